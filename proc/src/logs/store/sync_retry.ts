/**
 * Retrying on the main thread without yielding to the event loop: the log store's commits
 * must finish before a query answers (and before close), and a commit that finds the indexer
 * holding SQLite's write lock can only wait a moment and try again. `Atomics.wait` is the one
 * way for Node's main thread to sleep a few ms synchronously.
 */

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the calling thread for `ms` milliseconds. */
export function sleepSync(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}

/**
 * Calls `attempt` until it returns true, at most `tries` times, sleeping `pauseMs` between
 * tries; returns whether one succeeded.
 */
export function retrySync(attempt: () => boolean, tries: number, pauseMs: number): boolean {
  for (let i = 0; i < tries; i++) {
    if (i > 0) sleepSync(pauseMs);
    if (attempt()) return true;
  }
  return false;
}
