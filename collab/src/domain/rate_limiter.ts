/**
 * Per-user rate limits: a token bucket per user (burst, refill per second). A caller over the
 * limit gets RATE_LIMITED with the seconds to wait; the owner on the Unix socket is not limited.
 */
import { collabError } from "../errors.ts";

/** Token buckets keyed by user id. */
export class RateLimiter {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** A limiter allowing `burst` at once and `perSecond` sustained. */
  constructor(burst: number, perSecond: number) {
    this.#burst = burst;
    this.#perSecond = perSecond;
  }

  /** Throws RATE_LIMITED when `key` has no token left (call before the write). */
  check(key: string, now = Date.now()): void {
    const b = this.#refill(key, now);
    if (b.tokens < 1) {
      const wait = Math.ceil(((1 - b.tokens) / this.#perSecond) * 10) / 10;
      throw collabError("RATE_LIMITED", `Too many writes: try again in ${wait} s`, {
        retry_after_s: wait,
      });
    }
  }

  /** Spends a token of `key` (call after a write succeeded: refused calls cost nothing). */
  take(key: string, now = Date.now()): void {
    this.#refill(key, now).tokens -= 1;
  }

  #refill(key: string, now: number): { tokens: number; at: number } {
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    if (this.#buckets.size > 100_000) this.#buckets.clear();
    this.#buckets.set(key, b);
    return b;
  }
}
