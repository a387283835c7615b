/**
 * Kept-alive connections to one service socket, shared by both ways a request reaches it (the
 * TCP front's byte relay and the app's `UnixHttpClient`). At most `limit` requests wait at the
 * service for a response head at once; more requests queue here, in arrival order. Under a
 * thousand client connections this keeps latency fair and spares the service a connect and a
 * close per request (the cause of second-long stalls when idle connections were capped below
 * the concurrency). A slot frees as soon as the response head arrives, so streams (SSE, large
 * bodies) never hold one; a queue that sees no head for {@link STALL_MS} (every slot held by a
 * slow or long-polling request) lets its oldest request open a connection beyond the limit.
 */
import { type Connection, READ_SIZE, safeClose } from "./upstream_io.ts";

/** How long a queue may go without progress before a request gets a connection anyway. */
export const STALL_MS = 1000;
/** Idle connections older than this are not reused (Node servers drop them after 5 s). */
const IDLE_MS = 4000;

/** Pool sizes, and how connections are opened. */
export interface PoolOptions {
  /** Requests waiting for a response head at once (default 64). */
  limit?: number;
  /** Idle connections kept (default 128). */
  maxIdle?: number;
  /** Opens a connection (default: the Unix socket at the pool's path; a peer router over TCP). */
  connect?: () => Promise<Deno.Conn>;
}

interface Waiter {
  resolve: (c: Connection) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
}

/** A connection pool with a fair queue for one Unix socket. */
export class UpstreamPool {
  /** The socket path. */
  readonly path: string;
  readonly #limit: number;
  readonly #maxIdle: number;
  readonly #connect?: () => Promise<Deno.Conn>;
  #idle: Connection[] = [];
  #busy = 0;
  #queue: Waiter[] = [];
  #progressAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** A pool for the socket at `path`; connections are opened on demand. */
  constructor(path: string, options: PoolOptions = {}) {
    this.path = path;
    this.#limit = options.limit ?? 64;
    this.#maxIdle = options.maxIdle ?? 128;
    this.#connect = options.connect;
  }

  /** A new connection outside the pool's accounting (a retry after a stale one). */
  async open(): Promise<Connection> {
    const conn = this.#connect
      ? await this.#connect()
      : await Deno.connect({ transport: "unix", path: this.path });
    return { conn, leftover: new Uint8Array(0), readBuf: new Uint8Array(READ_SIZE) };
  }

  /** A connection at once if a slot and an idle connection are free (reused: true). */
  take(): Connection | undefined {
    if (this.#busy >= this.#limit || this.#queue.length > 0) return undefined;
    const c = this.#popIdle();
    if (c) this.#busy++;
    return c;
  }

  /**
   * A connection for one request: idle, newly opened, or after queueing for a slot. Call
   * {@link headArrived} once the response head is in (or the request failed), then
   * {@link release}.
   */
  acquire(signal?: AbortSignal): Promise<Connection> {
    if (this.#closed) return Promise.reject(new Error("the pool is closed"));
    if (this.#busy < this.#limit && this.#queue.length === 0) {
      this.#busy++;
      return this.#give();
    }
    return new Promise((resolve, reject) => {
      const w = { resolve, reject, signal };
      this.#queue.push(w);
      signal?.addEventListener("abort", () => {
        const at = this.#queue.indexOf(w);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(new Error("timed out"));
      }, { once: true });
      this.#arm();
    });
  }

  /** Frees the request's slot: its response head arrived, or it failed before one did. */
  headArrived(): void {
    this.#busy--;
    this.#progressAt = Date.now();
    this.#dispatch();
  }

  /** Returns a connection after its response ended; `reusable` false closes it. */
  release(c: Connection, reusable: boolean): void {
    if (!reusable || this.#closed || this.#idle.length >= this.#maxIdle) {
      safeClose(c.conn);
      return;
    }
    c.idleSince = Date.now();
    this.#idle.push(c);
  }

  /** Closes idle connections and refuses queued requests; in-flight ones close on release. */
  close(): void {
    this.#closed = true;
    for (const c of this.#idle) safeClose(c.conn);
    this.#idle = [];
    for (const w of this.#queue.splice(0)) w.reject(new Error("the pool is closed"));
    clearTimeout(this.#timer);
  }

  #popIdle(): Connection | undefined {
    const c = this.#idle.pop();
    if (c && Date.now() - (c.idleSince ?? 0) > IDLE_MS) {
      // The newest idle connection is too old, so all of them are.
      safeClose(c.conn);
      for (const old of this.#idle) safeClose(old.conn);
      this.#idle = [];
      return undefined;
    }
    if (c) c.reused = true;
    return c;
  }

  /** An idle connection or a new one, for a request that holds a slot. */
  async #give(): Promise<Connection> {
    const idle = this.#popIdle();
    if (idle) return idle;
    try {
      return await this.open();
    } catch (err) {
      this.headArrived();
      throw err;
    }
  }

  #dispatch(): void {
    while (this.#busy < this.#limit && this.#queue.length > 0) this.#serveNext();
  }

  #serveNext(): void {
    const w = this.#queue.shift()!;
    this.#busy++;
    this.#give().then(w.resolve, w.reject);
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#queue.length === 0 || this.#closed) return;
      if (Date.now() - this.#progressAt >= STALL_MS) this.#serveNext();
      if (this.#queue.length > 0) this.#arm();
    }, STALL_MS);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}
