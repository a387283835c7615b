/**
 * A deadline plus optional parent signals folded into one AbortSignal. Cheaper than
 * `AbortSignal.any([AbortSignal.timeout(ms), ...])` on hot paths, and it tells why it fired.
 */

/** Why a {@link Deadline} aborted. */
                                                  

/** One AbortSignal that fires after `ms` or when any parent signal aborts; call `clear()` when done. */
export class Deadline {
           #controller = new AbortController();
           #timer                               ;
           #parents               ;
  #reason              ;

  /** Starts the timer and follows the parent signals. */
  constructor(ms        , ...parents                             ) {
    this.#parents = parents.filter((p)                   => p !== undefined);
    this.#timer = setTimeout(() => this.#abort("timeout"), ms);
    for (const p of this.#parents) {
      if (p.aborted) this.#abort("cancelled");
      else p.addEventListener("abort", this.#onParentAbort, { once: true });
    }
  }

  /** The combined signal. */
  get signal()              {
    return this.#controller.signal;
  }

  /** Why it aborted, if it did. */
  get reason()                          {
    return this.#reason;
  }

  /** Stops the timer and detaches from the parents. */
  clear()       {
    clearTimeout(this.#timer);
    for (const p of this.#parents) p.removeEventListener("abort", this.#onParentAbort);
  }

           #onParentAbort = () => this.#abort("cancelled");

  #abort(reason             )       {
    if (this.#reason) return;
    this.#reason = reason;
    this.clear();
    this.#controller.abort(reason);
  }
}
