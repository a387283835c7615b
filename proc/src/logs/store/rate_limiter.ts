/**
 * Per-source flood control: a token bucket per source (a sustained rate plus a burst), so one
 * service printing as fast as it can cannot crowd out the others. Refused lines are counted
 * per source; the store turns those counts into a visible "N lines dropped" record.
 */

/** Limits of {@link RateLimiter}. */
export interface RateLimits {
  /** Sustained lines per second per source (0 = unlimited). */
  linesPerSecond: number;
  /** Lines a source may send at once above the sustained rate. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
  dropped: number;
}

/** Token buckets keyed by source. */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  /** `now` is injectable for tests. */
  constructor(limits: RateLimits, now: () => number = Date.now) {
    this.limits = limits;
    this.#now = now;
  }

  /** True if one more line of `source` may be stored; otherwise counts it as dropped. */
  allow(source: string): boolean {
    const { linesPerSecond, burst } = this.limits;
    if (linesPerSecond <= 0) return true;
    const now = this.#now();
    let b = this.#buckets.get(source);
    if (!b) {
      b = { tokens: burst, at: now, dropped: 0 };
      this.#buckets.set(source, b);
    } else if (now > b.at) {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) * linesPerSecond) / 1000);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    b.dropped++;
    return false;
  }

  /** How many of `n` more lines of `source` may be stored; the rest are counted as dropped. */
  allowMany(source: string, n: number): number {
    if (this.limits.linesPerSecond <= 0) return n;
    if (n <= 0) return 0;
    const first = this.allow(source); // refills the bucket (and counts a refusal)
    const b = this.#buckets.get(source)!;
    if (!first) return (b.dropped += n - 1), 0;
    const take = Math.min(n - 1, Math.floor(b.tokens));
    b.tokens -= take;
    b.dropped += n - 1 - take;
    return 1 + take;
  }

  /** Takes the drop counts gathered since the last call (sources with drops only). */
  takeDropped(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [source, b] of this.#buckets) {
      if (b.dropped) out.set(source, b.dropped), (b.dropped = 0);
      // Forget full, idle buckets so the map stays as small as the set of active sources.
      if (b.tokens >= this.limits.burst && this.#now() - b.at > 60_000) {
        this.#buckets.delete(source);
      }
    }
    return out;
  }
}
