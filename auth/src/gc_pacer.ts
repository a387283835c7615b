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
 * with a 32 MB bound), hence mostly once it is over. Needs Node's `--expose-gc` (in AUTH_NODE_FLAGS); without it, as in
 * in-process tests, nothing happens.
 */
import { performance } from "node:perf_hooks";
import process from "node:process";

const MB = 1024 * 1024;
type Gc = (options?: { type?: string; execution?: string; flavor?: string }) => void;

/** Starts pacing memory-reducing collections; returns the function that stops it. */
export function startGcPacer(opts: { slackMb?: number; intervalMs?: number } = {}): () => void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== "function") return () => {};
  const slack = (opts.slackMb ?? 8) * MB;
  // Zero: the first tick after the start runs one too, handing back what loading the modules
  // left behind (about 3 MB, bench/results/auth.md).
  let base = 0;
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const busy = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    const grown = process.memoryUsage.rss() - base;
    if (grown < 0) base += grown;
    if (grown < slack || (busy > 0.2 && grown < 8 * slack)) return;
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    base = process.memoryUsage.rss();
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
