/**
 * Gives memory back once a burst of work is over. Token grants leave garbage that V8 collects
 * late and keeps the pages of: RSS climbs by about 60 MB over 10,000 grants and stays there,
 * for oidc-provider alone as for hero_auth (bench/auth.ts), and a regular full collection
 * (`gc()`) hands none of it back; a memory-reducing one (V8's "last resort" collection, which
 * compacts and releases pooled pages) does, in about 100 ms. So once a second: when RSS grew by
 * more than the slack since the last one and the event loop was mostly idle during that second
 * (the burst is over), or grew by eight times the slack whatever the load (a bound under steady
 * load, rarely reached: V8's own collections hold RSS about 60 MB above idle), one runs. Run
 * during a burst, each costs the token endpoint about 7 % of its throughput (bench/auth.ts
 * with a 32 MB bound), hence mostly once it is over. Needs Node's `--expose-gc` (in
 * AUTH_NODE_FLAGS); without it, as in in-process tests, nothing happens. The rule itself is
 * `GcPace`, apart from the clock and `gc()` so that tests need neither.
 */
import { performance } from "node:perf_hooks";
import process from "node:process";

const MB = 1024 * 1024;
type Gc = (options?: { type?: string; execution?: string; flavor?: string }) => void;

/** Busier than this share of a tick, the event loop is still in a burst. */
const BUSY = 0.2;

/** When to collect, from each tick's readings: RSS now and how busy the event loop was. */
export class GcPace {
  // Zero: the first tick runs one too, handing back what loading the modules left behind
  // (about 3 MB, bench/results/auth.md).
  #base = 0;
  readonly #slack: number;

  /** `slack`: bytes RSS may grow by, since the last collection (or its lowest since), for free. */
  constructor(slack: number) {
    this.#slack = slack;
  }

  /** Whether this tick collects, given RSS (bytes) and the loop's busy share since the last. */
  due(rss: number, busy: number): boolean {
    const grown = rss - this.#base;
    // Memory handed back by V8's own collections lowers the mark growth is measured from.
    if (grown < 0) this.#base = rss;
    return grown >= this.#slack && (busy <= BUSY || grown >= 8 * this.#slack);
  }

  /** Records RSS right after a collection: growth is measured from there. */
  collected(rss: number): void {
    this.#base = rss;
  }
}

/** Starts pacing memory-reducing collections; returns the function that stops it. */
export function startGcPacer(opts: { slackMb?: number; intervalMs?: number } = {}): () => void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== "function") return () => {};
  const pace = new GcPace((opts.slackMb ?? 8) * MB);
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const busy = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    if (!pace.due(process.memoryUsage.rss(), busy)) return;
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    pace.collected(process.memoryUsage.rss());
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
