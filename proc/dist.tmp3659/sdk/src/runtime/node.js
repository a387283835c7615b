/**
 * The Node (and Bun) adapter: `node:http` servers on Unix sockets and TCP, a keep-alive client,
 * file and signal helpers. Converts between Node's messages and web `Request`/`Response`.
 */
import { Buffer } from "node:buffer";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import process from "node:process";
import { Readable } from "node:stream";
             
                 
               
           
                
           
               
          
                
                  
                    

async function serve(
  listenArg                   ,
  handler              ,
  limits              ,
  transport                             ,
)                    {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.requestTimeoutMs, 10_000),
    keepAliveTimeout: 5000,
  }, (req, res) => {
    handleNodeRequest(req, res, handler, transport).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `Internal error: ${(err         ).message}` }));
    });
  });
  await new Promise      ((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenArg, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    address: typeof addr === "string" ? addr : `${listenArg.host}:${port}`,
    port,
    close: () =>
      new Promise      ((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

async function handleNodeRequest(
  req                      ,
  res                     ,
  handler              ,
  transport                             ,
)                {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const method = req.method ?? "GET";
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  let body                      ;
  if (method !== "GET" && method !== "HEAD") {
    const length = Number(req.headers["content-length"] ?? NaN);
    body = length <= 1024 * 1024
      ? asBytes(await collect(req))
      : Readable.toWeb(req)                  ;
  }
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    body,
    signal: controller.signal,
    // @ts-ignore: duplex is required by undici for streaming bodies but missing from lib.dom
    duplex: "half",
  });
  const response = await handler(request, { transport, remoteAddress: req.socket.remoteAddress });
  const outHeaders                                    = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") outHeaders[key] = response.headers.getSetCookie();
    else outHeaders[key] = value;
  });
  res.writeHead(response.status, response.statusText || undefined, outHeaders);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  // A small body of known length goes out with the headers in one write, like res.end(text).
  if (Number(outHeaders["content-length"]) <= 64 * 1024) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  const reader = response.body.getReader();
  controller.signal.addEventListener("abort", () => reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((r) => res.once("drain", r));
  }
  res.end();
}

/** Views a Buffer as a plain Uint8Array without copying. */
function asBytes(b        )                          {
  return new Uint8Array(b.buffer               , b.byteOffset, b.byteLength);
}

function collect(req                      )                  {
  return new Promise((resolve, reject) => {
    const chunks           = [];
    req.on("data", (c        ) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function createTransport(target                 )                {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const base = "baseUrl" in target ? new URL(target.baseUrl) : undefined;
  const prefix = base ? base.pathname.replace(/\/$/, "") : "";
  return {
    send: (r               ) =>
      new Promise((resolve, reject) => {
        const headers                         = { ...r.headers };
        if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
        const req = http.request({
          agent,
          method: r.method,
          path: prefix + r.path,
          headers,
          signal: r.signal,
          ...(base ? { host: base.hostname, port: base.port || 80 } : {
            socketPath: (target                          ).socketPath,
          }),
        }, (res) => {
          const chunks           = [];
          res.on("data", (c        ) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === "string") h.set(k, v);
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: h,
              body: Buffer.concat(chunks).toString(),
            });
          });
        });
        req.on("error", reject);
        req.end(r.body);
      }),
    close: () => agent.destroy(),
  };
}

/** The Node runtime adapter (also used on Bun). */
export const runtime          = {
  name: "bun" in process.versions ? "bun" : "node",
  pid: process.pid,
  env: (name) => process.env[name],
  homeDir: () => os.homedir(),
  serveUnix: (path, handler, limits) => serve({ path }, handler, limits, "unix"),
  serveTcp: (hostname, port, handler, limits) =>
    serve({ host: hostname, port }, handler, limits, "tcp"),
  transport: createTransport,
  canConnect: (path) =>
    new Promise((resolve) => {
      const sock = net.connect({ path });
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    }),
  lstat: async (path)                                => {
    try {
      const s = await fs.lstat(path);
      return { isSocket: s.isSocket(), isDirectory: s.isDirectory(), mode: s.mode & 0o7777 };
    } catch {
      return undefined;
    }
  },
  makeDir: async (path, mode) => {
    await fs.mkdir(path, { recursive: true, mode });
    await fs.chmod(path, mode);
  },
  chmod: (path, mode) => fs.chmod(path, mode),
  removeFile: (path) => fs.rm(path, { force: true }),
  readTextFile: (path) => fs.readFile(path, "utf8").catch(() => undefined),
  readDir: (path) => fs.readdir(path).catch(() => []),
  readLink: (path) => fs.readlink(path).catch(() => undefined),
  onShutdownSignal: (fn) => {
    const listener = (signal        ) => fn(signal);
    process.on("SIGINT", listener);
    process.on("SIGTERM", listener);
    return () => {
      process.off("SIGINT", listener);
      process.off("SIGTERM", listener);
    };
  },
};
