/**
 * Fast-path answers kept for exactly the same request head from the same peer. Only answers
 * decided from the head alone are kept (the router's own tokens, a socket discovery knows, an
 * assertion already signed: a synchronous answer); hero_auth's credentials are answered by a
 * promise and asked about every time, so revocation still takes effect at once. A kept answer
 * is used for at most `KEEP_MS`, and none is used once the generation counter moved (the
 * router moves it whenever the registry changes). Why: the gate, access check and assertion
 * lookup cost ~1.9 µs a request; finding a kept answer costs a string hash.
 */
import type { FastPath, FastRoute } from "./tcp_front.ts";

/** How long a kept answer is used before the fast path decides again. */
const KEEP_MS = 1000;
/** Most heads kept in all (past that, everything is forgotten): a few MB at most. */
const MAX_KEPT = 1024;

/** Counts one relayed request for the metrics (`startedMs` from `performance.now()`). */
export type ProxiedReport = (service: string, status: number, startedMs: number) => void;

/** Answers kept per peer and head text. */
export class KeptRoutes {
  readonly #generation: Int32Array;
  readonly #peers = new Map<string, Map<string, { route: FastRoute; until: number }>>();
  #seen = 0;
  #count = 0;

  /** `generation`: one Int32 (maybe shared with workers) moved when kept answers go stale. */
  constructor(generation: Int32Array) {
    this.#generation = generation;
    this.#seen = Atomics.load(generation, 0);
  }

  /** The generation now; pass it to {@link keep} when the answer was decided. */
  generation(): number {
    return Atomics.load(this.#generation, 0);
  }

  /** The answer kept for `text` (the whole head) from `peer`, if still good. */
  get(peer: string, text: string): FastRoute | undefined {
    const now = Atomics.load(this.#generation, 0);
    if (now !== this.#seen) {
      this.#forget();
      this.#seen = now;
      return undefined;
    }
    const kept = this.#peers.get(peer)?.get(text);
    return kept !== undefined && kept.until > Date.now() ? kept.route : undefined;
  }

  /** Keeps `route` unless the generation moved since `decidedAt` (then it may be stale). */
  keep(peer: string, text: string, route: FastRoute, decidedAt: number): void {
    if (decidedAt !== Atomics.load(this.#generation, 0)) return;
    if (this.#count >= MAX_KEPT) this.#forget();
    let heads = this.#peers.get(peer);
    if (!heads) this.#peers.set(peer, heads = new Map());
    if (!heads.has(text)) this.#count++;
    heads.set(text, { route, until: Date.now() + KEEP_MS });
  }

  /** How many answers are kept. */
  get size(): number {
    return this.#count;
  }

  #forget(): void {
    this.#peers.clear();
    this.#count = 0;
  }
}

/** The route with a fresh start time for this request's metrics. */
export function timedRoute(route: FastRoute, report: ProxiedReport): FastRoute {
  const started = performance.now();
  const service = route.service ?? "";
  return { ...route, answered: (status) => report(service, status, started) };
}

/**
 * `decide` with its synchronous answers kept in `kept`; a kept answer is reported to the
 * metrics through `report` as `decide`'s own answers report themselves.
 */
export function keptFastPath(decide: FastPath, kept: KeptRoutes, report: ProxiedReport): FastPath {
  return (head, info) => {
    const peer = info.remoteAddress ?? "";
    const hit = kept.get(peer, head.text);
    if (hit !== undefined) return timedRoute(hit, report);
    const decidedAt = kept.generation();
    const found = decide(head, info);
    if (found !== undefined && !(found instanceof Promise)) {
      kept.keep(peer, head.text, found, decidedAt);
    }
    return found;
  };
}
