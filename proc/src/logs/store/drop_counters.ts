/**
 * Lines the store refused, by reason, since it was first created: restored from
 * `log_counters` at open, and the part not yet saved goes with the next commit (so the counts
 * survive restarts, in the same transactions as the lines).
 */
import type { DatabaseSync } from "node:sqlite";

/** Why a line was refused. */
export type DropReason = "rate_limited" | "queue_full" | "disk_low";

/** A count per reason. */
export type DropCounts = Record<DropReason, number>;

const none = (): DropCounts => ({ rate_limited: 0, queue_full: 0, disk_low: 0 });

/** The store's drop counters. */
export class DropCounters {
  readonly #total = none();
  /** The part of #total not yet in log_counters. */
  readonly #unsaved = none();

  /** Reads the counts saved by earlier runs. */
  constructor(db: DatabaseSync) {
    for (const r of db.prepare("SELECT name, value FROM log_counters").all()) {
      const name = String(r.name) as DropReason;
      if (name in this.#total) this.#total[name] = Number(r.value);
    }
  }

  /** Lines refused for any reason. */
  get total(): number {
    const d = this.#total;
    return d.rate_limited + d.queue_full + d.disk_low;
  }

  /** Lines refused, by reason. */
  byReason(): DropCounts {
    return { ...this.#total };
  }

  /** Counts `n` refused lines. */
  add(reason: DropReason, n: number): void {
    if (n <= 0) return;
    this.#total[reason] += n;
    this.#unsaved[reason] += n;
  }

  /** The counts to save with the next commit, or undefined when there are none. */
  unsaved(): DropCounts | undefined {
    const u = this.#unsaved;
    return u.rate_limited + u.queue_full + u.disk_low > 0 ? { ...u } : undefined;
  }

  /** Records that `counts` (from {@link unsaved}) were committed. */
  saved(counts: DropCounts): void {
    for (const k of Object.keys(counts) as DropReason[]) this.#unsaved[k] -= counts[k];
  }
}
