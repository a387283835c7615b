/**
 * Watches the free space of the file system holding the log store (`fs.statfs`, once a
 * second). Below the minimum the store refuses new lines with a clear error and hero_proc
 * reports `degraded` — it keeps supervising, it just stops writing logs.
 */
import fs from "node:fs";

/** The last reading. */
export interface DiskState {
  low: boolean;
  freeBytes: number;
  minFreeBytes: number;
}

/** Periodic free-space check of one directory. */
export class DiskGuard {
  readonly #dir: string;
  readonly #minFree: number;
  #state: DiskState;
  #timer?: ReturnType<typeof setInterval>;

  /** Reads the free space once now, then every `intervalMs`. */
  constructor(dir: string, minFreeBytes: number, intervalMs = 1000) {
    this.#dir = dir;
    this.#minFree = minFreeBytes;
    this.#state = { low: false, freeBytes: Infinity, minFreeBytes };
    this.check();
    if (minFreeBytes > 0) {
      this.#timer = setInterval(() => this.check(), intervalMs);
      this.#timer.unref();
    }
  }

  /** The last reading. */
  get state(): DiskState {
    return this.#state;
  }

  /** Reads the free space now. */
  check(): DiskState {
    if (this.#minFree <= 0) return this.#state;
    try {
      const s = fs.statfsSync(this.#dir);
      const free = Number(s.bavail) * Number(s.bsize);
      this.#state = { low: free < this.#minFree, freeBytes: free, minFreeBytes: this.#minFree };
    } catch {
      // Cannot tell: keep the last reading rather than refusing lines on a transient error.
    }
    return this.#state;
  }

  /** A sentence for errors and /health. */
  describe(): string {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    return `only ${mb(this.#state.freeBytes)} free on the disk of ${this.#dir} (minimum ${
      mb(this.#minFree)
    })`;
  }

  /** Stops the timer. */
  close(): void {
    clearInterval(this.#timer);
  }
}
