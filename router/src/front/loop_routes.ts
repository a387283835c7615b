/**
 * The fast path of an extra front loop. The loop has no gate, registry or key of its own: it
 * asks the main loop where a request goes, with the head's bytes and the peer, and relays it
 * there. An answer the main loop marks reusable (it was decided from the head alone: the
 * router's own tokens, a known socket, an assertion already signed) is kept for exactly the
 * same head bytes from the same peer, for at most `KEEP_MS` and only while the main loop's
 * generation counter has not moved (registry changes move it). Credentials that hero_auth
 * must confirm on every request are never kept: the main loop answers those each time.
 */
import type { ConnectionInfo } from "@hero/sdk";
import { UpstreamPool } from "../http/upstream_pool.ts";
import { parseProxyPath } from "../proxy/proxy_path.ts";
import type { LoopAnswer, LoopAsk, WireRoute } from "./loop_protocol.ts";
import type { RequestHead } from "./request_head.ts";
import type { FastPath, FastRoute } from "./tcp_front.ts";

/** How long a kept answer is used before the main loop is asked again. */
const KEEP_MS = 1000;
const MAX_KEPT = 4096;

/** Reports one relayed request for the metrics. */
export type ProxiedReport = (service: string, status: number, seconds: number) => void;

/** The asking fast path and the answers kept. */
export class LoopRoutes {
  readonly #send: (ask: LoopAsk) => void;
  readonly #generation: Int32Array;
  readonly #report: ProxiedReport;
  readonly #kept = new Map<string, { route: FastRoute; until: number }>();
  readonly #waiting = new Map<number, (answer: LoopAnswer) => void>();
  readonly #pools = new Map<string, UpstreamPool>();
  #seen = 0;
  #next = 1;

  /** `send` posts an ask to the main loop; answers come back through {@link answered}. */
  constructor(
    send: (ask: LoopAsk) => void,
    generation: SharedArrayBuffer,
    report: ProxiedReport,
  ) {
    this.#send = send;
    this.#generation = new Int32Array(generation);
    this.#report = report;
  }

  /** The fast path for this loop's {@link TcpFront}. */
  readonly fastPath: FastPath = (head, info) => this.#route(head, info);

  /** Takes the main loop's answer to an ask. */
  answered(answer: LoopAnswer): void {
    const resolve = this.#waiting.get(answer.id);
    this.#waiting.delete(answer.id);
    resolve?.(answer);
  }

  /** Closes the pooled service connections; asks still waiting go to the app. */
  close(): void {
    for (const resolve of this.#waiting.values()) {
      resolve({ type: "answer", id: 0, reusable: false });
    }
    this.#waiting.clear();
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
  }

  #route(
    head: RequestHead,
    info: ConnectionInfo,
  ): FastRoute | undefined | Promise<FastRoute | undefined> {
    // Only `/<service>/<socket>/…` can take the fast path: the rest goes to the app unasked.
    const target = parseProxyPath(head.target);
    if (!target || "error" in target) return undefined;
    const generation = Atomics.load(this.#generation, 0);
    if (generation !== this.#seen) {
      this.#kept.clear();
      this.#seen = generation;
    }
    const peer = info.remoteAddress ?? "";
    const key = `${peer}\n${head.text}`;
    const kept = this.#kept.get(key);
    if (kept !== undefined && kept.until > Date.now()) return this.#timed(kept.route);
    const id = this.#next++;
    const bytes = new Uint8Array(head.length);
    for (let i = 0; i < head.length; i++) bytes[i] = head.text.charCodeAt(i);
    this.#send({ type: "ask", id, head: bytes, peer });
    return new Promise<LoopAnswer>((resolve) => this.#waiting.set(id, resolve)).then((answer) => {
      if (!answer.route) return undefined;
      const route = this.#fromWire(answer.route);
      // Kept only if nothing moved while the main loop was deciding.
      if (answer.reusable && Atomics.load(this.#generation, 0) === generation) {
        if (this.#kept.size >= MAX_KEPT) this.#kept.clear();
        this.#kept.set(key, { route, until: Date.now() + KEEP_MS });
      }
      return this.#timed(route);
    });
  }

  /** The route with this request's start time for the metrics. */
  #timed(route: FastRoute): FastRoute {
    const started = performance.now();
    const service = route.service ?? "";
    return {
      ...route,
      answered: (status) => this.#report(service, status, (performance.now() - started) / 1000),
    };
  }

  #fromWire(wire: WireRoute): FastRoute {
    let pool = this.#pools.get(wire.socket);
    if (!pool) this.#pools.set(wire.socket, pool = new UpstreamPool(wire.socket));
    const text = wire.badGateway;
    return {
      rest: wire.rest,
      prefix: wire.prefix,
      caller: wire.caller,
      service: wire.service,
      pool,
      badGateway: (why) => text.replace("\0", why),
    };
  }
}
