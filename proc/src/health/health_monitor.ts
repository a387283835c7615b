/**
 * Watches one running job with its health spec: no verdict during the start period unless a
 * probe passes, then a probe every interval; `retries` consecutive failures make it unhealthy.
 * Reports transitions only, so the caller acts once per change.
 */
import type { HealthSpec, HealthState } from "../model/spec.ts";
import { probe, type ProbeResult } from "./probes.ts";

/** Called when the health state changes. */
export type HealthListener = (state: HealthState, detail: string) => void;

/** Periodic prober of one job. */
export class HealthMonitor {
  readonly #spec: HealthSpec;
  readonly #onChange: HealthListener;
  readonly #env?: Record<string, string>;
  readonly #startedAt = Date.now();
  #state: HealthState = "unknown";
  #failures = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;
  #everHealthy = false;
  #lastCounted = 0;
  /** The last probe's detail. */
  lastDetail = "";

  /** Starts probing at once (the first probe runs immediately). */
  constructor(spec: HealthSpec, onChange: HealthListener, env?: Record<string, string>) {
    this.#spec = spec;
    this.#onChange = onChange;
    this.#env = env;
    this.#schedule(Math.min(50, spec.interval_ms));
  }

  /** The current state. */
  get state(): HealthState {
    return this.#state;
  }

  /** Stops probing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref?.();
  }

  async #tick(): Promise<void> {
    const r: ProbeResult = await probe(this.#spec, this.#env);
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

  #set(state: HealthState, detail: string): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#onChange(state, detail);
  }
}
