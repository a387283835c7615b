/**
 * The main thread's handle on the indexing worker (log_indexer_worker.ts): started on the
 * first chunk, woken after each commit, restarted if it exits with work left, stopped
 * synchronously on close (so a closing store never leaves a transaction half done).
 */
import { Worker } from "node:worker_threads";
import type { RetentionPolicy } from "./retention.ts";

/** Slots of the shared control array. */
export const CONTROL = { wantLock: 0, stop: 1, stopped: 2, urgent: 3 } as const;

/** What the worker is given. */
export interface IndexerOptions {
  file: string;
  retention: RetentionPolicy;
  /** A SharedArrayBuffer of 4 Int32 slots, see {@link CONTROL}. */
  control: SharedArrayBuffer;
  /** Lines per indexing transaction. */
  maxLines: number;
  /** The worker exits after this long with nothing to do. */
  idleExitMs: number;
  /** When to index: see {@link IndexSchedule}. */
  schedule: IndexSchedule;
}

/**
 * Indexing waits while lines pour in, so a burst gets the CPU for itself (the lines are
 * readable meanwhile): chunks are indexed once input has been quiet for `quietMs`, or the
 * oldest waited `maxWaitMs`, or `maxBacklog` lines wait (which bounds what queries scan).
 */
export interface IndexSchedule {
  quietMs: number;
  maxWaitMs: number;
  maxBacklog: number;
}

/** The default schedule. */
export const INDEX_SCHEDULE: IndexSchedule = { quietMs: 200, maxWaitMs: 5000, maxBacklog: 500_000 };

/** What the worker reports. */
export type IndexerMessage =
  | { type: "progress"; indexedUpTo: number }
  | { type: "error"; message: string }
  | { type: "exit" };

// The build turns this module into .js: the worker file follows the same extension.
const WORKER_URL = new URL(
  import.meta.url.endsWith(".ts") ? "./log_indexer_worker.ts" : "./log_indexer_worker.js",
  import.meta.url,
);

/** Runs the indexing worker on demand. */
export class IndexWorker {
  readonly #opts: Omit<IndexerOptions, "control">;
  readonly #control = new Int32Array(new SharedArrayBuffer(16));
  readonly #onMessage: (m: IndexerMessage) => void;
  readonly #hasWork: () => boolean;
  #worker?: Worker;
  #stopped = false;

  /** `hasWork` tells, when the worker exits, whether it must be started again. */
  constructor(
    opts: Omit<IndexerOptions, "control">,
    hooks: { onMessage: (m: IndexerMessage) => void; hasWork: () => boolean },
  ) {
    this.#opts = opts;
    this.#onMessage = hooks.onMessage;
    this.#hasWork = hooks.hasWork;
  }

  /** True while a worker thread runs. */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** Starts the worker, or tells the running one that chunks arrived. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#worker) return void this.#worker.postMessage("wake");
    Atomics.store(this.#control, CONTROL.stop, 0);
    Atomics.store(this.#control, CONTROL.stopped, 0);
    const w = new Worker(WORKER_URL, {
      workerData: { ...this.#opts, control: this.#control.buffer },
      // The worker needs little heap: rows are built and handed to SQLite a chunk at a time.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    w.unref();
    w.on("message", (m: IndexerMessage) => this.#onMessage(m));
    w.on("error", (err) => this.#onMessage({ type: "error", message: err.message }));
    w.on("exit", () => {
      if (this.#worker === w) this.#worker = undefined;
      if (!this.#stopped && this.#hasWork()) this.wake();
    });
    this.#worker = w;
  }

  /** Asks the worker to pause before its next transaction (true) or lets it go on (false). */
  wantLock(on: boolean): void {
    Atomics.store(this.#control, CONTROL.wantLock, on ? 1 : 0);
    if (!on) Atomics.notify(this.#control, CONTROL.wantLock);
  }

  /** Tells the worker to index now, whatever the schedule (the backlog budget runs low). */
  urgent(on: boolean): void {
    if (Atomics.exchange(this.#control, CONTROL.urgent, on ? 1 : 0) !== (on ? 1 : 0) && on) {
      this.wake();
    }
  }

  /** Stops the worker after its current transaction; waits for it up to `timeoutMs`. */
  stop(timeoutMs = 5000): void {
    this.#stopped = true;
    const w = this.#worker;
    if (!w) return;
    this.wantLock(false);
    Atomics.store(this.#control, CONTROL.stop, 1);
    w.postMessage("wake");
    Atomics.wait(this.#control, CONTROL.stopped, 0, timeoutMs);
    void w.terminate();
    this.#worker = undefined;
  }
}
