/**
 * The life of one action: waiting for its dependencies, running jobs, health, restarts with
 * backoff, giving up after `max_restarts`, and stopping. The supervisor owns one runner per
 * action and tells it when dependencies may have become ready; the runner tells the
 * supervisor when its own readiness changes.
 */
import process from "node:process";
import { HealthMonitor } from "../health/health_monitor.ts";
import type { ActionSpec, HealthState, JobRecord } from "../model/spec.ts";
import { restartDelay } from "./backoff.ts";
import { type JobContext, type JobOutcome, JobProcess } from "./job_process.ts";

/** The state of an action (its latest job has its own state). */
export type ActionState =
  | "stopped"
  | "waiting_deps"
  | "starting"
  | "running"
  | "backoff"
  | "stopping"
  | "succeeded"
  | "failed";

/** What a runner needs from the supervisor. */
export interface RunnerHost {
  ctx: JobContext;
  /** Undefined when every dependency is ready, else what the action waits for. */
  waitingFor(runner: ActionRunner): string | undefined;
  /** The runner's readiness or state changed: re-check waiting actions. */
  changed(runner: ActionRunner): void;
}

/** Runs one action of one service. */
export class ActionRunner {
  readonly service: string;
  spec: ActionSpec;
  state: ActionState = "stopped";
  health: HealthState = "unknown";
  /** Consecutive restarts since the last stable run. */
  restarts = 0;
  /** Total restarts since the action was started by a user. */
  totalRestarts = 0;
  /** Why the action is failed or waiting. */
  reason: string | null = null;
  /** The current or last job id. */
  jobId: number | null = null;
  /** The running job's process, if any. */
  job?: JobProcess;
  #host: RunnerHost;
  #desired = false;
  #monitor?: HealthMonitor;
  #timer?: ReturnType<typeof setTimeout>;
  #stabilityTimer?: ReturnType<typeof setTimeout>;
  #startedAt = 0;
  #spawning?: Promise<void>;
  #detached = false;

  /** A runner is idle until {@link start}. */
  constructor(host: RunnerHost, service: string, spec: ActionSpec) {
    this.#host = host;
    this.service = service;
    this.spec = spec;
  }

  /** `service.action`. */
  get key(): string {
    return `${this.service}.${this.spec.name}`;
  }

  /** Whether the action should be running. */
  get desired(): boolean {
    return this.#desired;
  }

  /** When the current process started (ms since epoch), or 0. */
  get startedAt(): number {
    return this.state === "running" ? this.#startedAt : 0;
  }

  /** Ready for dependents: a healthy process, or a oneshot that succeeded. */
  get ready(): boolean {
    if (this.spec.kind === "oneshot") return this.state === "succeeded";
    return this.state === "running" && (!this.spec.health || this.health === "healthy");
  }

  /** True while a process runs or a start/restart is pending. */
  get active(): boolean {
    return ["waiting_deps", "starting", "running", "backoff", "stopping"].includes(this.state);
  }

  /** Wants the action running; it starts as soon as its dependencies are ready. */
  start(): void {
    this.#desired = true;
    if (this.active && this.state !== "stopping") return;
    this.restarts = 0;
    this.reason = null;
    this.#queue(0, 1);
  }

  /** Called by the supervisor: starts the pending job if dependencies are ready. */
  poke(): void {
    if (this.state !== "waiting_deps" || !this.#desired) return;
    const waiting = this.#host.waitingFor(this);
    if (waiting) {
      this.reason = `waiting for ${waiting}`;
      return;
    }
    this.reason = null;
    this.#spawning = this.#spawn().finally(() => (this.#spawning = undefined));
  }

  /** Stops the action and waits until its whole process group is gone. */
  async stop(reason = "stopped"): Promise<void> {
    this.#desired = false;
    clearTimeout(this.#timer);
    if (this.#spawning) await this.#spawning;
    if (this.job) {
      this.#setState("stopping");
      await this.job.stop("stopped", reason === "stopped" ? undefined : reason);
      return;
    }
    if (this.jobId !== null && (this.state === "waiting_deps" || this.state === "backoff")) {
      this.#host.ctx.store.updateJob(this.jobId, {
        state: "stopped",
        reason,
        ended_at: Date.now(),
      });
    }
    // An explicit stop also clears a failed or finished state: the action is simply stopped.
    if (this.state !== "stopped") this.#setState("stopped");
  }

  /**
   * Takes over a job a previous daemon left running under hero_shim: the action is wanted and
   * running from the job's own start, with health checks and restarts as if started here. A
   * job that ended while no daemon ran ends at once, and its restart policy applies.
   */
  adopt(record: JobRecord): void {
    this.#desired = true;
    this.jobId = record.id;
    this.health = record.health;
    const job = JobProcess.adopt(this.#host.ctx, record, this.#jobOptions());
    this.#running(job, record.started_at ?? Date.now());
  }

  /**
   * Lets go of the running job without stopping it (upgrade): no more checks or restarts. A
   * start in flight is waited for, so the job's pids are recorded before the store closes (a
   * job without them could not be adopted: the next daemon would stop and restart it).
   */
  async detach(): Promise<void> {
    this.#detached = true;
    this.#desired = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#stabilityTimer);
    this.#monitor?.stop();
    this.#monitor = undefined;
    if (this.#spawning) await this.#spawning;
    this.job?.detach();
  }

  /** Replaces the definition; takes effect at the next start. */
  update(spec: ActionSpec): void {
    this.spec = spec;
  }

  /** Sends a signal to the running job's process group. */
  kill(signal: string): boolean {
    const pgid = this.job?.child?.pgid;
    if (!pgid) return false;
    try {
      process.kill(-pgid, signal as NodeJS.Signals);
      return true;
    } catch {
      return false;
    }
  }

  #queue(delayMs: number, attempt: number): void {
    const { store } = this.#host.ctx;
    const next = "waiting_deps";
    const job: JobRecord = store.createJob({
      service: this.service,
      action: this.spec.name,
      command: this.spec.exec,
      cwd: this.spec.cwd ?? null,
      state: delayMs > 0 ? "pending" : next,
      attempt,
    });
    this.jobId = job.id;
    if (delayMs > 0) {
      this.#setState("backoff");
      this.#timer = setTimeout(() => {
        store.updateJob(job.id, { state: next });
        this.#setState(next);
        this.poke();
      }, delayMs);
    } else {
      // The supervisor pokes waiting runners once every start of this round is recorded.
      this.#setState(next);
      this.#host.changed(this);
    }
  }

  async #spawn(): Promise<void> {
    const jobId = this.jobId!;
    this.#setState("starting");
    this.health = "unknown";
    const job = await JobProcess.start(
      this.#host.ctx,
      this.#host.ctx.store.getJob(jobId)!,
      this.#jobOptions(),
    );
    this.#running(job, Date.now());
  }

  #jobOptions() {
    const s = this.spec;
    return {
      argv: s.exec,
      cwd: s.cwd,
      env: s.env,
      tty: s.tty,
      source: this.key,
      stop: s.stop,
      timeoutMs: s.kind === "oneshot" ? s.timeout_ms : 0,
      limits: s.limits,
      service: this.service,
      action: s.name,
    };
  }

  /** From here the job is this runner's: its end, health and stability are watched. */
  #running(job: JobProcess, startedAt: number): void {
    const s = this.spec;
    this.job = job;
    if (this.#detached) {
      job.detach();
      return;
    }
    job.done.then((outcome) => this.#ended(job, outcome));
    if (!job.child) return;
    this.#startedAt = startedAt;
    if (this.state === "starting" || job.adopted) this.#setState("running");
    if (s.health && s.kind === "process") {
      this.#monitor = new HealthMonitor(
        s.health,
        (h, detail) => this.#healthChanged(job, h, detail),
        s.env,
      );
    }
    this.#stabilityTimer = setTimeout(() => {
      if (this.job === job && this.health !== "unhealthy") this.restarts = 0;
    }, Math.max(0, startedAt + s.restart.stability_ms - Date.now()));
  }

  #healthChanged(job: JobProcess, health: HealthState, detail: string): void {
    if (this.job !== job) return;
    this.health = health;
    this.#host.ctx.store.updateJob(job.id, { health });
    this.#event(health === "unhealthy" ? "warn" : "info", `health: ${health} (${detail})`, job.id);
    if (health === "unhealthy") {
      this.reason = `unhealthy: ${detail}`;
      if (this.spec.restart.policy !== "never") job.stop("failed", `unhealthy: ${detail}`);
    }
    this.#host.changed(this);
  }

  #ended(job: JobProcess, outcome: JobOutcome): void {
    this.#monitor?.stop();
    this.#monitor = undefined;
    clearTimeout(this.#stabilityTimer);
    if (this.job === job) this.job = undefined;
    if (!this.#desired) {
      this.#setState("stopped");
      return;
    }
    const failed = outcome.state !== "succeeded";
    const policy = this.spec.restart.policy;
    const again = policy === "always" || (policy === "on-failure" && failed);
    const why = outcome.reason ?? "exited with code 0";
    if (!again) {
      this.reason = failed ? why : null;
      this.#event(failed ? "error" : "info", failed ? `failed: ${why}` : "succeeded", job.id);
      this.#setState(failed ? "failed" : "succeeded");
      return;
    }
    const max = this.spec.restart.max_restarts;
    if (max > 0 && this.restarts >= max) {
      this.reason = `gave up after ${this.restarts} restarts; last run ${why}`;
      this.#event("error", this.reason, job.id);
      this.#setState("failed");
      return;
    }
    this.restarts++;
    this.totalRestarts++;
    this.reason = `restarting (${this.restarts}${max ? `/${max}` : ""}) after it ${why}`;
    const attempt = (this.#host.ctx.store.getJob(job.id)?.attempt ?? 0) + 1;
    const delay = restartDelay(this.spec.restart, this.restarts);
    this.#event(failed ? "warn" : "info", `${this.reason}; next start in ${delay} ms`, job.id);
    this.#queue(delay, attempt);
  }

  /** Supervisor decisions go to the log beside the action's output: "internal work is a log". */
  #event(level: "info" | "warn" | "error", line: string, jobId: number): void {
    this.#host.ctx.sink.write({
      ts: Date.now(),
      source: `${this.key}.supervisor`,
      jobId,
      level,
      line,
    });
  }

  #setState(state: ActionState): void {
    if (this.state === state) return;
    this.state = state;
    this.#host.changed(this);
  }
}
