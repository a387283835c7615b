/**
 * The Node (and Bun) adapter: `node:http` servers on Unix sockets and TCP, a keep-alive client,
 * file and signal helpers. Converts between Node's messages and web `Request`/`Response`.
 */
import { Buffer } from "node:buffer";
import fs from "node:fs/promises";
import type * as Http from "node:http";
import net from "node:net";
import os from "node:os";
import process from "node:process";
import { Readable } from "node:stream";
import type {
  ConnectionInfo,
  FetchHandler,
  FileInfo,
  Listener,
  ListenLimits,
  Runtime,
  ServeHooks,
} from "./types.ts";
import { knownResponseOf } from "./response_bytes.ts";
import { nodeHttpTransport, nodeStreamRequest } from "./node_http_client.ts";
import { absoluteUrl, requestFromNode } from "./node_request.ts";

// An ESM `import` of node:http evaluates its lazy WebSocket getters, which loads undici, http2
// and crypto (about 11 MB resident); the CommonJS exports object does not.
const http: typeof Http = process.getBuiltinModule("node:http");

async function serve(
  listenArg: net.ListenOptions,
  handler: FetchHandler,
  limits: ListenLimits,
  transport: ConnectionInfo["transport"],
  hooks: ServeHooks = {},
): Promise<Listener> {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.requestTimeoutMs, 10_000),
    keepAliveTimeout: 5000,
  }, (req, res) => {
    if (hooks.nodeListener && (hooks.takeNodeRequest?.(pathOf(req.url)) ?? true)) {
      hooks.nodeListener(req, res);
      return;
    }
    handleNodeRequest(req, res, handler, transport).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `Internal error: ${(err as Error).message}` }));
    });
  });
  const onUpgrade = hooks.onUpgrade;
  if (onUpgrade) server.on("upgrade", (req, socket, head) => onUpgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
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
      new Promise<void>((resolve) => {
        // Not unref'd: a client holding a stream open (SSE through a proxy) must not leave
        // close() pending forever once nothing else keeps the event loop alive.
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function pathOf(url: string | undefined): string {
  const q = url?.indexOf("?") ?? -1;
  return q < 0 ? url ?? "/" : url!.slice(0, q);
}

async function handleNodeRequest(
  req: Http.IncomingMessage,
  res: Http.ServerResponse,
  handler: FetchHandler,
  transport: ConnectionInfo["transport"],
): Promise<void> {
  // Most handlers never look at request.signal: create it only when asked for.
  let controller: AbortController | undefined;
  const signal = () => (controller ??= new AbortController()).signal;
  res.on("close", () => {
    if (!res.writableFinished) controller?.abort();
  });
  const method = req.method ?? "GET";
  let request: Request;
  const length = Number(
    req.headers["content-length"] ?? (method === "GET" || method === "HEAD" ? 0 : NaN),
  );
  if (length <= IN_MEMORY_BODY_BYTES) {
    const bytes = length > 0 ? asBytes(await collect(req)) : undefined;
    request = requestFromNode(req, bytes, signal);
  } else {
    const headers = new Headers();
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
    request = new Request(absoluteUrl(req), {
      method,
      headers,
      body: Readable.toWeb(req) as ReadableStream,
      signal: signal(),
      // @ts-ignore: duplex is required by undici for streaming bodies but missing from lib.dom
      duplex: "half",
    });
  }
  const response = await handler(request, { transport, remoteAddress: req.socket.remoteAddress });
  const known = knownResponseOf(response);
  if (known) {
    res.writeHead(known.status, known.headers);
    res.end(method === "HEAD" ? undefined : known.bytes);
    return;
  }
  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === "set-cookie") outHeaders[key] = response.headers.getSetCookie();
    else outHeaders[key] = value;
  });
  res.writeHead(response.status, response.statusText || undefined, outHeaders);
  if (!response.body || method === "HEAD") {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  signal().addEventListener("abort", () => reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((r) => res.once("drain", r));
  }
  res.end();
}

/** Bodies up to this size with a declared length are read into memory before the handler runs. */
const IN_MEMORY_BODY_BYTES = 1024 * 1024;

/** Views a Buffer as a plain Uint8Array without copying. */
function asBytes(b: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
}

function collect(req: Http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The Node runtime adapter (also used on Bun). */
export const runtime: Runtime = {
  name: "bun" in process.versions ? "bun" : "node",
  pid: process.pid,
  env: (name) => process.env[name],
  homeDir: () => os.homedir(),
  serveUnix: (path, handler, limits, hooks) => serve({ path }, handler, limits, "unix", hooks),
  serveTcp: (hostname, port, handler, limits) =>
    serve({ host: hostname, port }, handler, limits, "tcp"),
  transport: nodeHttpTransport,
  streamRequest: nodeStreamRequest,
  canConnect: (path) =>
    new Promise((resolve) => {
      const sock = net.connect({ path });
      sock.once("connect", () => {
        sock.destroy();
        resolve(true);
      });
      sock.once("error", () => resolve(false));
    }),
  lstat: async (path): Promise<FileInfo | undefined> => {
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
    const listener = (signal: string) => fn(signal);
    process.on("SIGINT", listener);
    process.on("SIGTERM", listener);
    return () => {
      process.off("SIGINT", listener);
      process.off("SIGTERM", listener);
    };
  },
};
