/**
 * Group commit for hero_auth's one SQLite connection: the writes of the token endpoint's hot
 * path (the record of an issued token, the audit of the grant) made during one turn of the
 * event loop share one transaction, committed when the turn ends. A commit costs about 100 µs
 * of WAL writing on this machine and a write inside an open transaction about 10 µs (measured
 * with bench/auth.ts), so many concurrent grants pay for one commit. Every answer hero_auth
 * gives waits for `settled()` first, so nothing is acknowledged before it is on disk, also a
 * write of another surface that happened to join the open transaction.
 */
import type { DatabaseSync } from "node:sqlite";

/** Batches writes into one transaction per event-loop turn. */
export class GroupCommit {
  readonly #db: DatabaseSync;
  #open = false;
  #waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  /** Works on an opened database connection. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Runs a write inside the current group (opening one if none is). */
  run<T>(write: () => T): T {
    if (!this.#open && !this.#db.isTransaction) {
      this.#db.exec("BEGIN");
      this.#open = true;
      setImmediate(() => this.commit());
    }
    return write();
  }

  /** Commits the open group now (also what the end of the turn does). */
  commit(): void {
    if (!this.#open) return;
    this.#open = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    try {
      this.#db.exec("COMMIT");
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      for (const w of waiters) w.reject(err as Error);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  /** Resolves once what was written so far is committed; rejects if that commit failed. */
  settled(): Promise<void> {
    if (!this.#open) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
