/**
 * The main loop's side of the extra front loops (`front_loop.ts`): starts them on a port the
 * main front already listens on with `SO_REUSEPORT`, answers their questions with the main
 * loop's own fast path (the gate, access rules, registry and signing key stay here, one copy),
 * tells them when kept answers may be stale, and passes what they relayed to the metrics.
 */
import type { ConnectionInfo, Listener, ListenLimits } from "@hero/sdk";
import type { FromLoop, LoopAnswer, LoopAsk, ToLoop, WireRoute } from "./loop_protocol.ts";
import { parseRequestHead, RequestHead } from "./request_head.ts";
import type { FastPath, FastRoute, TcpFront } from "./tcp_front.ts";

/** What the extra loops need from the main loop. */
export interface FrontLoopsOptions {
  /** How many loops besides the main one. */
  count: number;
  hostname: string;
  port: number;
  appSocket: string;
  fastPath: FastPath;
  limits: ListenLimits;
  /** Counts one request a loop relayed to a service (`startedMs` on this loop's clock). */
  proxied: (service: string, status: number, startedMs: number) => void;
  /** One Int32 on a SharedArrayBuffer, moved whenever kept answers may be stale. */
  generation: Int32Array;
}

const CLOSE_MS = 5000;
const LOOP_MODULE = new URL("./front_loop.ts", import.meta.url);

/** The running extra loops. */
export class FrontLoops {
  /** Requests the loops relayed to a service or gave to the app. */
  readonly counts = { fast: 0, app: 0 };
  readonly #opts: FrontLoopsOptions;
  readonly #workers: Worker[] = [];

  private constructor(opts: FrontLoopsOptions) {
    this.#opts = opts;
  }

  /** Starts `count` loops and waits until each listens; rejects (all stopped) if one cannot. */
  static async start(opts: FrontLoopsOptions): Promise<FrontLoops> {
    const loops = new FrontLoops(opts);
    try {
      await Promise.all(Array.from({ length: opts.count }, () => loops.#spawn()));
    } catch (err) {
      await loops.close();
      throw err;
    }
    return loops;
  }

  /** Stops the loops: they stop accepting, finish their requests and end. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => this.#stop(w)));
    this.#workers.length = 0;
  }

  #spawn(): Promise<void> {
    const worker = new Worker(LOOP_MODULE, { type: "module" });
    this.#workers.push(worker);
    const o = this.#opts;
    return new Promise<void>((resolve, reject) => {
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`a front loop failed: ${event.message}`));
      };
      worker.onmessage = (event: MessageEvent<FromLoop>) => {
        const m = event.data;
        if (m.type === "ask") void this.#answer(worker, m);
        else if (m.type === "tally") this.#tally(m.proxied, m.fast, m.app);
        else if (m.type === "ready") {
          if (m.error) reject(new Error(m.error));
          else resolve();
        }
      };
      const init: ToLoop = {
        type: "init",
        hostname: o.hostname,
        port: o.port,
        appSocket: o.appSocket,
        maxHeaderBytes: o.limits.maxHeaderBytes,
        requestTimeoutMs: o.limits.requestTimeoutMs,
        generation: o.generation.buffer as SharedArrayBuffer,
      };
      worker.postMessage(init);
    });
  }

  async #answer(worker: Worker, ask: LoopAsk): Promise<void> {
    let answer: LoopAnswer = { type: "answer", id: ask.id, reusable: false };
    try {
      const head = parseRequestHead(ask.head, 0, ask.head.byteLength);
      if (head instanceof RequestHead) {
        const info: ConnectionInfo = { transport: "tcp", remoteAddress: ask.peer };
        const found = this.#opts.fastPath(head, info);
        // Decided from the head alone (no hero_auth, no signing): the same head gets the same.
        const reusable = !(found instanceof Promise);
        const route = reusable ? found : await found;
        if (route) answer = { type: "answer", id: ask.id, route: toWire(route), reusable };
      }
    } catch {
      // No route: the app decides, and answers if something is wrong.
    }
    worker.postMessage(answer);
  }

  #tally(proxied: (string | number)[], fast: number, app: number): void {
    this.counts.fast += fast;
    this.counts.app += app;
    const now = performance.now();
    for (let i = 0; i + 2 < proxied.length; i += 3) {
      this.#opts.proxied(
        String(proxied[i]),
        Number(proxied[i + 1]),
        now - Number(proxied[i + 2]) * 1000,
      );
    }
  }

  async #stop(worker: Worker): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const closed = new Promise<void>((resolve) => {
      const before = worker.onmessage;
      worker.onmessage = (event: MessageEvent<FromLoop>) => {
        if (event.data.type === "closed") resolve();
        else before?.call(worker, event);
      };
      timer = setTimeout(resolve, CLOSE_MS);
    });
    worker.postMessage({ type: "close" } satisfies ToLoop);
    await closed;
    clearTimeout(timer);
    worker.terminate();
  }
}

function toWire(route: FastRoute): WireRoute {
  return {
    socket: route.pool.path,
    service: route.service ?? "",
    rest: route.rest,
    prefix: route.prefix,
    caller: route.caller,
    badGateway: route.badGateway("\0"),
  };
}

/** A listener with its extra loops, and why there are none when more were asked for. */
export interface LoopedListener {
  listener: Listener;
  loops?: FrontLoops;
  /** Set when fewer loops run than asked (the reason, for the log). */
  fallback?: string;
}

/**
 * Listens on `hostname:port` with `loops` event loops in all (the front's and `loops - 1`
 * workers). The port is first bound alone, so that a port in use is refused as usual rather
 * than shared with another `SO_REUSEPORT` socket; without `--unstable-net` (or the workers)
 * the front's loop serves alone and `fallback` says why.
 */
export async function listenLooped(
  front: TcpFront,
  bind: { hostname: string; port: number; loops: number },
  opts: Omit<FrontLoopsOptions, "count" | "hostname" | "port" | "appSocket">,
): Promise<LoopedListener> {
  if (bind.loops <= 1) return { listener: await front.listen(bind.hostname, bind.port) };
  // Without the flag Deno exits on `reusePort` rather than throwing; its other net API tells.
  const missing = !("listenDatagram" in Deno)
    ? "SO_REUSEPORT needs Deno's --unstable-net"
    : !(await moduleExists(LOOP_MODULE))
    ? `the loops' module ${LOOP_MODULE.href} is not there (a single-file build)`
    : undefined;
  if (missing) return { listener: await front.listen(bind.hostname, bind.port), fallback: missing };
  const probe = Deno.listen({ hostname: bind.hostname, port: bind.port, transport: "tcp" });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  let listener: Listener;
  try {
    listener = await front.listen(bind.hostname, port, { reusePort: true });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { listener: await front.listen(bind.hostname, port), fallback: why };
  }
  try {
    const loops = await FrontLoops.start({
      ...opts,
      count: bind.loops - 1,
      hostname: bind.hostname,
      port,
      appSocket: front.appSocket,
    });
    return { listener, loops };
  } catch (err) {
    return { listener, fallback: err instanceof Error ? err.message : String(err) };
  }
}

async function moduleExists(url: URL): Promise<boolean> {
  if (url.protocol !== "file:") return true;
  return await Deno.stat(url).then(() => true, () => false);
}
