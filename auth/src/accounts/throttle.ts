/**
 * Throttling of failed logins, per account and per client IP: after a number of failures within
 * a window, further attempts are refused until the window has passed. Attempts are refused
 * before the password is checked, so a locked account costs the attacker nothing to learn.
 */

/** Limits of the throttle. */
export interface ThrottleLimits {
  /** Failures per account within the window before it is locked. */
  perAccount: number;
  /** Failures per IP within the window before it is locked. */
  perIp: number;
  /** The window, in milliseconds. */
  windowMs: number;
}

/** Default limits: 5 per account, 20 per IP, 15 minutes. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 5, perIp: 20, windowMs: 15 * 60_000 };

/** Failed-login counters in memory (bounded: old entries are pruned as they expire). */
export class LoginThrottle {
  readonly #limits: ThrottleLimits;
  readonly #failures = new Map<string, number[]>();
  readonly #now: () => number;

  /** Creates a throttle; `now` is replaceable for tests. */
  constructor(limits: Partial<ThrottleLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_THROTTLE, ...limits };
    this.#now = now;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed. */
  retryAfter(account: string, ip: string): number {
    const a = this.#wait(`a:${account.toLowerCase()}`, this.#limits.perAccount);
    const i = this.#wait(`i:${ip}`, this.#limits.perIp);
    return Math.max(a, i);
  }

  /** Counts one failure. */
  fail(account: string, ip: string): void {
    const now = this.#now();
    for (const key of [`a:${account.toLowerCase()}`, `i:${ip}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    if (this.#failures.size > 100_000) this.#prune(now);
  }

  /** Clears the account's failures after a successful login. */
  succeed(account: string): void {
    this.#failures.delete(`a:${account.toLowerCase()}`);
  }

  #wait(key: string, limit: number): number {
    const now = this.#now();
    const list = this.#recent(key, now);
    if (list.length < limit) return 0;
    return Math.ceil((list[list.length - limit] + this.#limits.windowMs - now) / 1000);
  }

  #recent(key: string, now: number): number[] {
    const list = this.#failures.get(key) ?? [];
    const from = now - this.#limits.windowMs;
    let i = 0;
    while (i < list.length && list[i] <= from) i++;
    return i ? list.slice(i) : list;
  }

  #prune(now: number): void {
    for (const [key, list] of this.#failures) {
      if (list[list.length - 1] <= now - this.#limits.windowMs) this.#failures.delete(key);
    }
  }
}
