/**
 * The Deno adapter: `Deno.serve` on Unix sockets and TCP; the client side is `node:http` over
 * Unix sockets (origin-form request lines: `fetch` through a Unix-socket proxy client would send
 * `POST http://localhost/rpc`, which servers routing on the path refuse) and `fetch` over TCP;
 * file and signal helpers.
 */
import type {
  FetchHandler,
  FileInfo,
  HttpTransport,
  Listener,
  ListenLimits,
  Runtime,
  ServeHooks,
  SimpleRequest,
  StreamingResponse,
  TransportTarget,
} from "./types.ts";
import { HeroError } from "../errors/hero_error.ts";
import { toStandardResponse } from "./response_bytes.ts";
import { nodeHttpTransport, nodeStreamRequest } from "./node_http_client.ts";

function wrap(handler: FetchHandler, transport: "unix" | "tcp") {
  return (request: Request, info: Deno.ServeHandlerInfo<Deno.Addr>) => {
    const addr = info.remoteAddr as Deno.NetAddr;
    return handler(request, { transport, remoteAddress: addr.hostname }).then(toStandardResponse);
  };
}

function toListener(server: Deno.HttpServer<Deno.Addr>, address: string, port: number): Listener {
  return {
    address,
    port,
    close: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        server.shutdown(),
        new Promise((r) => (timer = setTimeout(r, 2000))),
      ]);
      clearTimeout(timer);
    },
  };
}

async function serveUnix(
  path: string,
  handler: FetchHandler,
  _limits: ListenLimits,
  hooks?: ServeHooks,
) {
  if (hooks?.nodeListener) {
    throw new HeroError("NODE_ONLY", `Cannot serve ${path}: a node:http listener needs Node`);
  }
  const { promise, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve({ path, onListen: () => resolve() }, wrap(handler, "unix"));
  await promise;
  return toListener(server, path, 0);
}

async function serveTcp(hostname: string, port: number, handler: FetchHandler, _l: ListenLimits) {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ hostname, port, onListen: (a) => resolve(a) }, wrap(handler, "tcp"));
  const addr = await promise;
  return toListener(server, `${addr.hostname}:${addr.port}`, addr.port);
}

function createTransport(target: TransportTarget): HttpTransport {
  if ("socketPath" in target) return nodeHttpTransport(target);
  const client = Deno.createHttpClient({});
  const base = target.baseUrl.replace(/\/$/, "");
  return {
    send: async (r) => {
      const res = await fetch(base + r.path, {
        method: r.method,
        body: r.body,
        headers: r.headers,
        signal: r.signal,
        client,
      });
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    close: () => client.close(),
  };
}

async function streamRequest(
  target: TransportTarget,
  r: SimpleRequest,
): Promise<StreamingResponse> {
  if ("socketPath" in target) return nodeStreamRequest(target, r);
  const client = Deno.createHttpClient({});
  const base = target.baseUrl.replace(/\/$/, "");
  let open = true;
  const release = () => {
    if (open) client.close();
    open = false;
  };
  try {
    const res = await fetch(base + r.path, {
      method: r.method,
      body: r.body,
      headers: r.headers,
      signal: r.signal,
      client,
    });
    const reader = res.body!.getReader();
    // An abort once the body streams must close the connection at once (the server is told
    // by the hang-up); Deno's fetch does not always end a body that nobody is reading.
    r.signal?.addEventListener("abort", () => {
      reader.cancel().catch(() => {});
      release();
    }, { once: true });
    // The connection is closed with its client once the body ends or is cancelled.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            release();
          } else controller.enqueue(value);
        } catch (err) {
          release();
          controller.error(err);
        }
      },
      async cancel() {
        await reader.cancel().catch(() => {});
        release();
      },
    });
    return { status: res.status, headers: res.headers, body };
  } catch (err) {
    release();
    throw err;
  }
}

/** The Deno runtime adapter. */
export const runtime: Runtime = {
  name: "deno",
  pid: Deno.pid,
  env: (name) => Deno.env.get(name),
  homeDir: () => Deno.env.get("HOME") ?? "",
  serveUnix,
  serveTcp,
  transport: createTransport,
  streamRequest,
  canConnect: async (path) => {
    try {
      const conn = await Deno.connect({ transport: "unix", path });
      conn.close();
      return true;
    } catch {
      return false;
    }
  },
  lstat: async (path): Promise<FileInfo | undefined> => {
    try {
      const s = await Deno.lstat(path);
      return {
        isSocket: s.isSocket === true,
        isDirectory: s.isDirectory,
        mode: (s.mode ?? 0) & 0o7777,
      };
    } catch {
      return undefined;
    }
  },
  makeDir: async (path, mode) => {
    await Deno.mkdir(path, { recursive: true, mode });
    await Deno.chmod(path, mode);
  },
  chmod: (path, mode) => Deno.chmod(path, mode),
  removeFile: async (path) => {
    await Deno.remove(path).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  },
  readTextFile: (path) => Deno.readTextFile(path).catch(() => undefined),
  readDir: async (path) => {
    try {
      return (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name);
    } catch {
      return [];
    }
  },
  readLink: (path) => Deno.readLink(path).catch(() => undefined),
  onShutdownSignal: (fn) => {
    const onInt = () => fn("SIGINT");
    const onTerm = () => fn("SIGTERM");
    Deno.addSignalListener("SIGINT", onInt);
    Deno.addSignalListener("SIGTERM", onTerm);
    return () => {
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
    };
  },
};
