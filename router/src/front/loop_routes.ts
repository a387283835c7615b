/**
 * The fast path of an extra front loop. The loop has no gate, registry or key of its own: it
 * asks the main loop where a request goes, with the head's bytes and the peer, and relays it
 * there. An answer the main loop marks reusable (it was decided from the head alone: the
 * router's own tokens, a known socket, an assertion already signed) is kept for exactly the
 * same head bytes from the same peer (`kept_routes.ts`: at most a second, and only while the
 * main loop's generation counter has not moved). Credentials that hero_auth must confirm on
 * every request are never kept: the main loop answers those each time.
 */
import type { ConnectionInfo } from "@hero/sdk";
import { UpstreamPool } from "../http/upstream_pool.ts";
import { parseProxyPath } from "../proxy/proxy_path.ts";
import { KeptRoutes, type ProxiedReport, timedRoute } from "./kept_routes.ts";
import type { LoopAnswer, LoopAsk, WireRoute } from "./loop_protocol.ts";
import type { RequestHead } from "./request_head.ts";
import type { FastPath, FastRoute } from "./tcp_front.ts";

/** The asking fast path and the answers kept. */
export class LoopRoutes {
  readonly #send: (ask: LoopAsk) => void;
  readonly #kept: KeptRoutes;
  readonly #report: ProxiedReport;
  readonly #waiting = new Map<number, (answer: LoopAnswer) => void>();
  readonly #pools = new Map<string, UpstreamPool>();
  #next = 1;

  /** `send` posts an ask to the main loop; answers come back through {@link answered}. */
  constructor(
    send: (ask: LoopAsk) => void,
    generation: SharedArrayBuffer,
    report: ProxiedReport,
  ) {
    this.#send = send;
    this.#kept = new KeptRoutes(new Int32Array(generation));
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
    const peer = info.remoteAddress ?? "";
    const kept = this.#kept.get(peer, head.text);
    if (kept !== undefined) return timedRoute(kept, this.#report);
    const decidedAt = this.#kept.generation();
    const id = this.#next++;
    const bytes = new Uint8Array(head.length);
    for (let i = 0; i < head.length; i++) bytes[i] = head.text.charCodeAt(i);
    this.#send({ type: "ask", id, head: bytes, peer });
    return new Promise<LoopAnswer>((resolve) => this.#waiting.set(id, resolve)).then((answer) => {
      if (!answer.route) return undefined;
      const route = this.#fromWire(answer.route);
      if (answer.reusable) this.#kept.keep(peer, head.text, route, decidedAt);
      return timedRoute(route, this.#report);
    });
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
