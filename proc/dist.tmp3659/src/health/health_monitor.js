/**
 * Watches one running job with its health spec: no verdict during the start period unless a
 * probe passes, then a probe every interval; `retries` consecutive failures make it unhealthy.
 * Reports transitions only, so the caller acts once per change.
 */
                                                                
import { probe,                  } from "./probes.js";

/** Called when the health state changes. */
                                                                          

/** Periodic prober of one job. */
export class HealthMonitor {
           #spec            ;
           #onChange                ;
           #env                         ;
           #startedAt = Date.now();
  #state              = "unknown";
  #failures = 0;
  #timer                                ;
  #stopped = false;
  #everHealthy = false;
  #lastCounted = 0;
  /** The last probe's detail. */
  lastDetail = "";

  /** Starts probing at once (the first probe runs immediately). */
  constructor(spec            , onChange                , env                         ) {
    this.#spec = spec;
    this.#onChange = onChange;
    this.#env = env;
    this.#schedule(Math.min(50, spec.interval_ms));
  }

  /** The current state. */
  get state()              {
    return this.#state;
  }

  /** Stops probing. */
  stop()       {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms        )       {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref?.();
  }

  async #tick()                {
    const r              = await probe(this.#spec, this.#env);
    if (this.#stopped) return;
    this.lastDetail = r.detail;
    const inStartPeriod = Date.now() - this.#startedAt < this.#spec.start_period_ms;
    if (r.ok) {
      this.#failures = 0;
      this.#everHealthy = true;
      this.#set("healthy", r.detail);
    } else if (!inStartPeriod || this.#state === "healthy") {
      // Quick probes before the first success must not use up retries faster than intervals.
      const now = Date.now();
      if (now - this.#lastCounted >= this.#spec.interval_ms - 5) {
        this.#lastCounted = now;
        this.#failures++;
        if (this.#failures >= this.#spec.retries) this.#set("unhealthy", r.detail);
      }
    }
    // Until the first success, probe quickly so dependents do not wait a full interval.
    const next = this.#everHealthy ? this.#spec.interval_ms : Math.min(this.#spec.interval_ms, 100);
    this.#schedule(next);
  }

  #set(state             , detail        )       {
    if (state === this.#state) return;
    this.#state = state;
    this.#onChange(state, detail);
  }
}
