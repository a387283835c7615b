/**
 * The client side over `node:http`, shared by the Node adapter and by the Deno adapter for Unix
 * sockets: it sends origin-form request lines (`POST /rpc HTTP/1.1`), which every HTTP server
 * routes on, where a proxy-style client over a Unix socket sends `POST http://localhost/rpc`.
 */
import { Buffer } from "node:buffer";
import type * as Http from "node:http";
import process from "node:process";
import { Readable } from "node:stream";
import type { HttpTransport, SimpleRequest, StreamingResponse, TransportTarget } from "./types.ts";

// An ESM `import` of node:http loads undici on Node (about 8 MB); the builtin module does not.
const http: typeof Http = process.getBuiltinModule("node:http");

/** Errors of a reused keep-alive connection that the server had already closed. */
const STALE = new Set(["ECONNRESET", "EPIPE"]);

/** An HTTP/1.1 client (keep-alive pool) to a Unix socket or a TCP base URL. */
export function nodeHttpTransport(target: TransportTarget): HttpTransport {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const base = "baseUrl" in target ? new URL(target.baseUrl) : undefined;
  const prefix = base ? base.pathname.replace(/\/$/, "") : "";
  return {
    send: (r: SimpleRequest) =>
      new Promise((resolve, reject) => {
        const attempt = (retried: boolean) => {
          const headers: Record<string, string> = { ...r.headers };
          if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
          const req = http.request({
            agent,
            method: r.method,
            path: prefix + r.path,
            headers,
            ...(base ? { host: base.hostname, port: base.port || 80 } : {
              socketPath: (target as { socketPath: string }).socketPath,
            }),
          }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
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
          req.on("error", (err: NodeJS.ErrnoException) => {
            // A pooled connection the server closed while idle fails before the request reached
            // it (the keep-alive race): sending once more on a new connection is safe.
            if (!retried && req.reusedSocket && STALE.has(err.code ?? "") && !r.signal?.aborted) {
              return attempt(true);
            }
            reject(err);
          });
          abortWith(req, r.signal, reject);
          req.end(r.body);
        };
        attempt(false);
      }),
    close: () => agent.destroy(),
  };
}

/** One request whose response body is streamed (SSE). */
export function nodeStreamRequest(
  target: TransportTarget,
  r: SimpleRequest,
): Promise<StreamingResponse> {
  const base = "baseUrl" in target ? new URL(target.baseUrl) : undefined;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
    const req = http.request({
      method: r.method,
      path: (base ? base.pathname.replace(/\/$/, "") : "") + r.path,
      headers,
      ...(base ? { host: base.hostname, port: base.port || 80 } : {
        socketPath: (target as { socketPath: string }).socketPath,
      }),
    }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
      resolve({
        status: res.statusCode ?? 0,
        headers: h,
        body: Readable.toWeb(res) as ReadableStream<Uint8Array>,
      });
    });
    req.on("error", reject);
    abortWith(req, r.signal, reject);
    req.end(r.body);
  });
}

/**
 * Fails the request when `signal` aborts. Deno's node:http acts neither on the `signal` option
 * nor, on a reused keep-alive socket, on `destroy` before the answer, so the caller is told here.
 */
function abortWith(
  req: Http.ClientRequest,
  signal: AbortSignal | undefined,
  reject: (err: Error) => void,
): void {
  if (!signal) return;
  const abort = () => {
    const err = new Error("The request was aborted");
    reject(err);
    req.destroy(err);
  };
  if (signal.aborted) return abort();
  // Not removed on "close": Deno emits it once the request is sent, before the answer. The
  // signal is the call's own (a Deadline's), so the listener goes away with it.
  signal.addEventListener("abort", abort, { once: true });
}
