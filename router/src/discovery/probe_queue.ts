/**
 * Runs probes with limited concurrency. Urgent work (a socket that just appeared) jumps the
 * queue, and a service is never probed twice at the same time: a request for a service already
 * queued or running is merged into it.
 */

/** A concurrency-limited queue of keyed async jobs. */
export class ProbeQueue {
  readonly #limit: number;
  readonly #waiting: { key: string; run: () => Promise<void> }[] = [];
  readonly #queued = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #rerun = new Map<string, () => Promise<void>>();
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  /** `limit` probes run at most at once. */
  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Queues `run` under `key`; if the key is running, it runs once more afterwards. */
  push(key: string, run: () => Promise<void>, urgent = false): void {
    if (this.#running.has(key)) {
      this.#rerun.set(key, run);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    if (urgent) this.#waiting.unshift({ key, run });
    else this.#waiting.push({ key, run });
    this.#pump();
  }

  /** Number of probes queued or running. */
  get pending(): number {
    return this.#waiting.length + this.#running.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    this.#idle ??= Promise.withResolvers<void>();
    return this.#idle.promise;
  }

  #pump(): void {
    while (this.#running.size < this.#limit && this.#waiting.length > 0) {
      const { key, run } = this.#waiting.shift()!;
      this.#queued.delete(key);
      const p = run().catch(() => {}).finally(() => {
        this.#running.delete(key);
        const again = this.#rerun.get(key);
        if (again) {
          this.#rerun.delete(key);
          this.push(key, again, true);
        }
        this.#pump();
        if (this.pending === 0 && this.#idle) {
          this.#idle.resolve();
          this.#idle = undefined;
        }
      });
      this.#running.set(key, p);
    }
  }
}
