/**
 * The router's TCP listeners. Each request head is read and checked here (strictly, see
 * `request_head.ts`), then the request goes one of two ways, as bytes:
 *
 * - the fast path, straight to a service's socket, when the web app's `proxyFastPath` (the same
 *   gate and access rules as the app) says it may go there;
 * - everything else to the router's own Hono app, served by `Deno.serve` on a private Unix
 *   socket (a 0700 temporary directory), with the TCP peer's address in a header the front
 *   sets itself. The app runs its gate and answers exactly as if it were served on TCP itself.
 *
 * Why: `Deno.serve` plus a `Request`/`Response` per proxied request cost about three times the
 * CPU of relaying the bytes (bench/router, `cpu us/req`). Connections that wait for a head are
 * cut after `IDLE_MS` (idle) or the request timeout (a head that trickles in).
 */
import type { ConnectionInfo, FetchHandler, Listener, ListenLimits } from "@hero/sdk";
import { PEER_HEADER } from "../proxy/forward_headers.ts";
import { safeClose, writeAll } from "../http/upstream_io.ts";
import { UpstreamPool } from "../http/upstream_pool.ts";
import { ClientConn } from "./client_conn.ts";
import { errorResponse, relay, type RelayRequest } from "./relay.ts";
import { findHeadEnd, parseRequestHead, RequestHead } from "./request_head.ts";
import { appRequestHead, serviceRequestHead, type ServiceTarget } from "./upstream_head.ts";

/** Where the fast path sends a request. */
export interface FastRoute extends ServiceTarget {
  /** The service socket's connection pool. */
  pool: UpstreamPool;
  /** The 502 error text when the socket does not answer (`why` says what failed). */
  badGateway: (why: string) => string;
  /** Told the answer's status once its head is known (for the metrics). */
  answered?: (status: number) => void;
  /** The service's name (the metrics' label). */
  service?: string;
}

/**
 * Decides, before the app, whether a request goes straight to a service socket; undefined
 * hands it to the app (which checks everything again and answers).
 */
export type FastPath = (
  head: RequestHead,
  info: ConnectionInfo,
) => FastRoute | undefined | Promise<FastRoute | undefined>;

/** What the front needs. */
export interface FrontOptions {
  fastPath: FastPath;
  /** The web app, for every request the fast path does not take. */
  app: FetchHandler;
  limits: ListenLimits;
}

/** What a front that relays to another front's app needs (an extra event loop's). */
export interface AttachedFrontOptions {
  fastPath: FastPath;
  /** The app socket of the front that serves the app ({@link TcpFront.appSocket}). */
  appSocket: string;
  limits: ListenLimits;
}

/** How long a connection may wait between requests. */
const IDLE_MS = 120_000;
const BUFFER_BYTES = 32 * 1024;
const GRACE_MS = 2000;

/** The TCP listeners and their connections. */
export class TcpFront {
  /** Requests so far: relayed straight to a service, or given to the app. */
  readonly counts = { fast: 0, app: 0 };
  readonly #opts: AttachedFrontOptions;
  /** The app's socket and folder when this front serves the app itself. */
  readonly #own: { dir: string; app: Listener } | undefined;
  readonly #appPool: UpstreamPool;
  readonly #listeners = new Set<Deno.Listener>();
  readonly #conns = new Set<ClientConn>();
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  private constructor(opts: AttachedFrontOptions, own?: { dir: string; app: Listener }) {
    this.#opts = opts;
    this.#own = own;
    this.#appPool = new UpstreamPool(opts.appSocket, { limit: 256, maxIdle: 256 });
  }

  /**
   * A front that serves no app of its own: what its fast path does not take goes to
   * `appSocket` (another front's, in the same process). Listeners are added with {@link listen}.
   */
  static attach(opts: AttachedFrontOptions): TcpFront {
    return new TcpFront(opts);
  }

  /** The private socket the app is served on. */
  get appSocket(): string {
    return this.#opts.appSocket;
  }

  /** Starts the app's private socket; listeners are added with {@link listen}. */
  static async start(opts: FrontOptions): Promise<TcpFront> {
    const dir = await Deno.makeTempDir({ prefix: "hero_router_front_" });
    await Deno.chmod(dir, 0o700);
    // Loaded here, not at the top: the extra front loops (workers) never serve the app and
    // would load the whole SDK for nothing (~8 MB each).
    const { currentRuntime } = await import("@hero/sdk/internal");
    const app = await currentRuntime().serveUnix(`${dir}/app.sock`, (request) => {
      const peer = request.headers.get(PEER_HEADER);
      if (!peer) {
        return Promise.resolve(Response.json({ error: "Forbidden: not sent by the TCP front" }, {
          status: 403,
        }));
      }
      return opts.app(request, { transport: "tcp", remoteAddress: peer });
    }, opts.limits);
    const { fastPath, limits } = opts;
    return new TcpFront({ fastPath, limits, appSocket: `${dir}/app.sock` }, { dir, app });
  }

  /**
   * Listens on `hostname:port` (0 picks a free port). With `reusePort`, other sockets of this
   * user may listen on the same port and the kernel spreads connections among them (Linux
   * `SO_REUSEPORT`; Deno's `--unstable-net`).
   */
  // deno-lint-ignore require-await
  async listen(
    hostname: string,
    port: number,
    options: { reusePort?: boolean } = {},
  ): Promise<Listener> {
    const listener = options.reusePort
      ? Deno.listen({ hostname, port, transport: "tcp", reusePort: true } as Deno.TcpListenOptions)
      : Deno.listen({ hostname, port, transport: "tcp" });
    this.#listeners.add(listener);
    this.#accept(listener);
    const addr = listener.addr as Deno.NetAddr;
    return {
      address: `${addr.hostname}:${addr.port}`,
      port: addr.port,
      close: () => {
        this.#listeners.delete(listener);
        try {
          listener.close();
        } catch { /* already closed */ }
        return Promise.resolve();
      },
    };
  }

  /** Stops listening, lets requests in progress finish (up to 2 s), closes everything. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const l of this.#listeners) {
      try {
        l.close();
      } catch { /* already closed */ }
    }
    this.#listeners.clear();
    for (const c of this.#conns) if (c.deadline > 0) c.close();
    const end = Date.now() + GRACE_MS;
    while (this.#conns.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    for (const c of this.#conns) c.close();
    clearInterval(this.#sweeper);
    this.#appPool.close();
    if (!this.#own) return;
    await this.#own.app.close();
    await Deno.remove(this.#own.dir, { recursive: true }).catch(() => {});
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (err) {
        if (this.#closed || !this.#listeners.has(listener)) return;
        if (err instanceof Deno.errors.BadResource) return;
        // Out of file descriptors or similar: give the process a moment.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      try {
        (conn as Deno.TcpConn).setNoDelay(true);
      } catch { /* closed meanwhile */ }
      const c = new ClientConn(conn, (conn.remoteAddr as Deno.NetAddr).hostname, BUFFER_BYTES);
      this.#conns.add(c);
      this.#serve(c).catch(() => {}).finally(() => {
        this.#conns.delete(c);
        c.close();
      });
    }
  }

  /** Serves the requests of one connection, one after the other. */
  async #serve(c: ClientConn): Promise<void> {
    const info: ConnectionInfo = { transport: "tcp", remoteAddress: c.peer };
    const max = this.#opts.limits.maxHeaderBytes;
    while (!this.#closed) {
      // A pipelined head already buffered is served without a turn of the event loop.
      let end = this.#bufferedHead(c, max);
      if (end < 0) end = await this.#readHead(c, max);
      if (end < 0) return;
      const head = parseRequestHead(c.buf, c.start, end);
      if (!(head instanceof RequestHead)) {
        await writeAll(c.conn, errorResponse(head.status, head.reason)).catch(() => {});
        return;
      }
      let route: FastRoute | undefined;
      try {
        const found = this.#opts.fastPath(head, info);
        route = found instanceof Promise ? await found : found;
      } catch {
        route = undefined; // the app decides, and answers if something is wrong
      }
      const src = c.buf.subarray(c.start, end);
      if (route) this.counts.fast++;
      else this.counts.app++;
      const request: RelayRequest = route
        ? {
          head,
          writeHead: (into) => serviceRequestHead(src, head, route, c.peer, into),
          pool: route.pool,
          failure: (why) => errorResponse(502, route.badGateway(why)),
          answered: route.answered,
        }
        : {
          head,
          writeHead: (into) => appRequestHead(src, head, c.peer, into),
          pool: this.#appPool,
          failure: (why) => errorResponse(502, `Bad gateway: the router's app failed (${why})`),
        };
      if (!(await relay(c, request))) return;
    }
  }

  /** The end of a whole head already buffered (no deadline then), or -1. */
  #bufferedHead(c: ClientConn, max: number): number {
    // Empty lines before a request line are allowed (RFC 9112, 2.2).
    while (c.available > 0 && (c.buf[c.start] === 13 || c.buf[c.start] === 10)) c.consume(1);
    const end = findHeadEnd(c.buf, c.start, Math.min(c.end, c.start + max));
    if (end >= 0) c.deadline = 0;
    return end;
  }

  /** Reads until a whole head is buffered; its end, or -1 if the connection is done. */
  async #readHead(c: ClientConn, max: number): Promise<number> {
    let timed = false;
    c.deadline = Date.now() + IDLE_MS;
    this.#sweep();
    for (;;) {
      const end = this.#bufferedHead(c, max);
      if (end >= 0) return end;
      if (c.available >= max) {
        await writeAll(c.conn, errorResponse(431, "Request header fields too large"))
          .catch(() => {});
        return -1;
      }
      if (c.available > 0 && !timed) {
        timed = true;
        c.deadline = Date.now() + this.#opts.limits.requestTimeoutMs;
      }
      const n = await c.read();
      if (n === null) return -1;
      c.end += n;
    }
  }

  /** Starts the sweeper that cuts connections past their deadlines (one for all of them). */
  #sweep(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => {
      const now = Date.now();
      for (const c of this.#conns) {
        if (c.deadline > 0 && c.deadline < now) c.close();
        if (c.upstream && c.upstreamDeadline > 0 && c.upstreamDeadline < now) {
          c.upstreamDeadline = -1; // read as "timed out" by the relay
          safeClose(c.upstream);
        }
      }
      if (this.#conns.size === 0) {
        clearInterval(this.#sweeper);
        this.#sweeper = undefined;
      }
    }, 1000);
    Deno.unrefTimer(this.#sweeper);
  }
}
