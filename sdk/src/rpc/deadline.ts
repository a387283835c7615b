/**
 * A per-call deadline: fires after `ms` or when a parent signal aborts, and tells why. Built for
 * the hot path: the AbortSignal (and the links to its parents) exist only once somebody reads
 * `signal`, so a call whose handler never looks at cancellation pays for one timer only.
 */

/** Why a {@link Deadline} fired. */
export type AbortReason = "timeout" | "cancelled";

/** Options of a {@link Deadline}. */
export interface DeadlineOptions {
  /** Signals that cancel the deadline; read only when `signal` is first read. */
  parents?: () => (AbortSignal | undefined)[];
  /** Called once when the deadline fires, whether or not `signal` was ever read. */
  onAbort?: (reason: AbortReason) => void;
}

/** A timer plus optional parent signals folded into one lazily-created AbortSignal. */
export class Deadline {
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #opts: DeadlineOptions;
  #controller?: AbortController;
  #linked: AbortSignal[] = [];
  #reason?: AbortReason;

  /** Starts the timer. */
  constructor(ms: number, opts: DeadlineOptions = {}) {
    this.#opts = opts;
    this.#timer = setTimeout(() => this.abort("timeout"), ms);
  }

  /** The combined signal (created, and linked to the parents, on first read). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
      else {
        for (const p of this.#opts.parents?.() ?? []) {
          if (!p) continue;
          if (p.aborted) return this.abort("cancelled"), this.#controller.signal;
          p.addEventListener("abort", this.#onParentAbort, { once: true });
          this.#linked.push(p);
        }
      }
    }
    return this.#controller.signal;
  }

  /** Why it fired, if it did. */
  get reason(): AbortReason | undefined {
    return this.#reason;
  }

  /** Fires now (used for shutdown); later calls are ignored. */
  abort(reason: AbortReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.clear();
    this.#opts.onAbort?.(reason);
    this.#controller?.abort(reason);
  }

  /** Stops the timer and detaches from the parents. */
  clear(): void {
    clearTimeout(this.#timer);
    for (const p of this.#linked) p.removeEventListener("abort", this.#onParentAbort);
    this.#linked = [];
  }

  readonly #onParentAbort = () => this.abort("cancelled");
}
