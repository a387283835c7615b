/**
 * Group commit for `logs.insert`: each call waits for the commit that covers its lines, and
 * the first waiter asks for a commit within a few ms, so every line accepted until then goes
 * in one transaction however many callers wait.
 */
import { HeroError } from "@hero/sdk";

/** Most time a `logs.insert` waits for its group commit to start. */
export const GROUP_COMMIT_MS = 5;

/** A caller waiting for its lines to be committed. */
interface Waiter {
  upTo: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** The callers waiting for their lines to be committed. */
export class CommitWaiters {
  readonly #commit: () => void;
  #waiters: Waiter[] = [];
  #timer?: ReturnType<typeof setTimeout>;

  /** `commit` is run (once per group) within {@link GROUP_COMMIT_MS} of the first waiter. */
  constructor(commit: () => void) {
    this.#commit = commit;
  }

  /** Resolves once lines up to id `upTo` are committed (see {@link settle}). */
  wait(upTo: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ upTo, resolve, reject });
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#commit();
      }, GROUP_COMMIT_MS);
    });
  }

  /** Answers the callers whose lines are now committed up to `committedUpTo` (or failed). */
  settle(committedUpTo: number, err?: Error): void {
    if (!this.#waiters.length) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.upTo > committedUpTo) still.push(w);
      else if (err) {
        w.reject(new HeroError("LOGS_WRITE_FAILED", `Cannot store log lines: ${err.message}`));
      } else w.resolve();
    }
    this.#waiters = still;
  }

  /** Tells every caller still waiting that its lines were not stored (shutdown). */
  close(): void {
    clearTimeout(this.#timer);
    for (const w of this.#waiters.splice(0)) {
      w.reject(new HeroError("SHUTTING_DOWN", "hero_proc is shutting down: lines not stored"));
    }
  }
}
