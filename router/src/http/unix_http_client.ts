/**
 * The proxy's HTTP/1.1 client for one Unix socket: a pool of kept-alive connections, request
 * bodies streamed (chunked when their length is unknown), responses handed back as soon as the
 * head arrives with a pull-based body stream (so a slow browser slows the backend, never the
 * router's memory). Much lighter per request than `fetch`, which matters for proxy throughput.
 * Connections come from an {@link UpstreamPool} (fair queue, bounded concurrency).
 */
import {
  bodyFraming,
  concat,
  headEnd,
  MAX_HEAD_BYTES,
  parseHead,
  type ResponseHead,
} from "./http1_parser.ts";
import { type PoolOptions, UpstreamPool } from "./upstream_pool.ts";
import {
  bodyStream,
  type Connection,
  pumpBody,
  safeClose,
  waitingHeads,
  watchHead,
  writeAll,
} from "./upstream_io.ts";

/** A request to the backend. */
export interface UpstreamRequest {
  method: string;
  /** Path and query. */
  target: string;
  /** Lower-case header pairs, hop-by-hop headers already removed. */
  headers: [string, string][];
  /** A stream (sent as it comes), bytes already read (sent with their length), or nothing. */
  body: ReadableStream<Uint8Array> | Uint8Array | null;
  /** Aborting closes the connection: the request fails, or the body stream errors. */
  signal?: AbortSignal;
}

/** The backend's answer: head plus a body that is bytes, a stream, or nothing. */
export interface UpstreamResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
}

const encoder = new TextEncoder();
const BODYLESS = new Set(["GET", "HEAD", "OPTIONS", "DELETE"]);

/** An HTTP/1.1 client for one Unix socket, over a shared {@link UpstreamPool}. */
export class UnixHttpClient {
  readonly #pool: UpstreamPool;

  /**
   * A client for the socket at `path`; connections are opened on demand, by `options.connect`
   * when given (a peer router over TCP).
   */
  constructor(path: string, options?: PoolOptions) {
    this.#pool = new UpstreamPool(path, options);
  }

  /** The connection pool (the TCP front relays through it too). */
  get pool(): UpstreamPool {
    return this.#pool;
  }

  /** Sends a request and resolves once the response head has arrived. */
  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const pool = this.#pool;
    const first = pool.take() ?? await pool.acquire(req.signal);
    let holding = true;
    const arrived = () => {
      if (holding) pool.headArrived();
      holding = false;
    };
    try {
      try {
        return await this.#exchange(first, req, arrived);
      } catch (err) {
        // A kept-alive connection the backend closed meanwhile: retry once if nothing was sent
        // that cannot be sent again.
        const replayable = req.body === null || req.body instanceof Uint8Array;
        if (!(err instanceof StaleConnection) || !first.reused || !replayable) throw unwrap(err);
      }
      if (req.signal?.aborted) throw new Error("timed out");
      const fresh = await pool.open();
      return await this.#exchange(fresh, req, arrived).catch((err) => {
        throw unwrap(err);
      });
    } finally {
      arrived();
    }
  }

  /** Closes idle connections; in-flight ones close when their response ends. */
  close(): void {
    this.#pool.close();
  }

  async #exchange(
    c: Connection,
    req: UpstreamRequest,
    arrived: () => void,
  ): Promise<UpstreamResponse> {
    let aborted = false;
    if (req.signal) {
      // The connection is not reused after an aborted request: it may be mid-response.
      req.signal.addEventListener("abort", () => {
        aborted = true;
        safeClose(c.conn);
      }, { once: true });
    }
    const bytes = req.body instanceof Uint8Array ? req.body : undefined;
    const hasLength = bytes !== undefined || req.headers.some(([k]) => k === "content-length");
    const chunked = req.body !== null && !hasLength;
    let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
    for (const [k, v] of req.headers) {
      if (k === "transfer-encoding") continue;
      if (k === "content-length" && (req.body === null || bytes)) continue;
      head += `${k}: ${v}\r\n`;
    }
    if (bytes) head += `content-length: ${bytes.byteLength}\r\n`;
    if (chunked) head += "transfer-encoding: chunked\r\n";
    else if (req.body === null && !BODYLESS.has(req.method)) {
      head += "content-length: 0\r\n";
    }
    let bodyDone: Promise<boolean> = Promise.resolve(true);
    try {
      await writeAll(
        c.conn,
        bytes ? concat(encoder.encode(head + "\r\n"), bytes) : encoder.encode(head + "\r\n"),
      );
    } catch (err) {
      safeClose(c.conn);
      throw new StaleConnection(err);
    }
    if (req.body && !bytes) bodyDone = pumpBody(c.conn, req.body as ReadableStream, chunked);
    let buf = c.leftover;
    let end = headEnd(buf);
    const readBuf = c.readBuf;
    watchHead(c.conn);
    let parsed: ResponseHead;
    try {
      for (;;) {
        while (end < 0) {
          let n: number | null;
          try {
            n = await c.conn.read(readBuf);
          } catch (err) {
            if (buf.byteLength === 0) throw new StaleConnection(err);
            throw err;
          }
          if (n === null) {
            if (buf.byteLength === 0) throw new StaleConnection(new Error("connection closed"));
            throw new Error("the service closed the connection mid-response");
          }
          const from = buf.byteLength;
          buf = concat(buf, readBuf.slice(0, n));
          end = headEnd(buf, from);
          if (end < 0 && buf.byteLength > MAX_HEAD_BYTES) {
            throw new Error("the service sent an oversized response head");
          }
        }
        parsed = parseHead(buf, end);
        buf = buf.subarray(end);
        if (parsed.status >= 200 || parsed.status === 101) break;
        end = headEnd(buf); // 1xx informational: skip it and read the real response.
      }
    } catch (err) {
      safeClose(c.conn);
      throw err;
    } finally {
      waitingHeads.delete(c.conn);
    }
    arrived();
    if (parsed.status === 101) {
      safeClose(c.conn);
      throw new Error("the service switched protocols on a plain HTTP request");
    }
    const keepAlive = !parsed.headers.some(([k, v]) =>
      k === "connection" && v.toLowerCase().split(",").some((t) => t.trim() === "close")
    );
    const framing = bodyFraming(req.method, parsed);
    const done = (rest: Uint8Array, reusable: boolean) => {
      bodyDone.then((complete) => {
        c.leftover = rest;
        this.#pool.release(c, reusable && complete && keepAlive && !aborted);
      });
    };
    const base = { status: parsed.status, statusText: parsed.statusText, headers: parsed.headers };
    if (framing.kind === "none") {
      done(buf, true);
      return { ...base, body: null };
    }
    if (framing.kind === "length" && buf.byteLength >= framing.length) {
      const body = buf.slice(0, framing.length);
      done(buf.subarray(framing.length), true);
      return { ...base, body };
    }
    return { ...base, body: bodyStream(c, buf, framing, done) };
  }
}

/** Signals that a pooled connection was dead before any response byte arrived. */
class StaleConnection extends Error {
  /** Wraps the underlying failure. */
  constructor(cause: unknown) {
    super("stale connection", { cause });
  }
}

function unwrap(err: unknown): unknown {
  return err instanceof StaleConnection ? err.cause : err;
}
