/**
 * One job's process from start to end: spawn in its own group, capture every line to the log
 * sink, record pid/pgid/start time before anything else happens, enforce the time limit, and
 * on exit or stop make sure the whole group (and tagged descendants) is gone before the job is
 * marked over. Used by service actions and ad-hoc jobs alike.
 */
import process from "node:process";
import type { LogSink } from "../logs/log_sink.ts";
import type { JobRecord, JobState, StopSpec } from "../model/spec.ts";
import type { Store } from "../store/store.ts";
import { JOB_TAG_VAR, jobTag } from "./job_tag.ts";
import { type LineLevel, lineLevel } from "./line_level.ts";
import { readProc } from "./proc_table.ts";
import { type ChildHandle, spawnChild } from "./spawn_child.ts";
import { stopGroup } from "./stop_group.ts";

/** Shared dependencies of every job. */
export interface JobContext {
  store: Store;
  sink: LogSink;
  /** Environment every child starts from (default: hero_proc's own). */
  baseEnv?: Record<string, string | undefined>;
}

/** How to run the job. */
export interface JobRunOptions {
  argv: string[];
  cwd?: string;
  env: Record<string, string>;
  tty?: boolean;
  /** Log source prefix, e.g. `api.server` (stream name is appended). */
  source: string;
  stop: StopSpec;
  /** Time limit (0 = none). */
  timeoutMs: number;
}

/** The result of a job: one shape for every process result. */
export interface JobOutcome {
  state: JobState;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  reason: string | null;
}

type StopKind = "stopped" | "cancelled" | "timed_out" | "failed";

/** A started job. */
export class JobProcess {
  /** The job id. */
  readonly id: number;
  /** The child, once spawned. */
  child?: ChildHandle;
  /** Resolves when the job is over and recorded. */
  readonly done: Promise<JobOutcome>;
  readonly #ctx: JobContext;
  readonly #opts: JobRunOptions;
  #stopKind?: StopKind;
  #stopReason?: string;
  #stopping?: Promise<void>;
  #resolve!: (o: JobOutcome) => void;
  #timer?: ReturnType<typeof setTimeout>;
  #spawned: Promise<void>;
  #markSpawned!: () => void;

  private constructor(ctx: JobContext, id: number, opts: JobRunOptions) {
    this.#ctx = ctx;
    this.id = id;
    this.#opts = opts;
    this.done = new Promise((r) => (this.#resolve = r));
    this.#spawned = new Promise((r) => (this.#markSpawned = r));
  }

  /** Spawns the job (already created in the store); a failed spawn ends the job as failed. */
  static async start(ctx: JobContext, job: JobRecord, opts: JobRunOptions): Promise<JobProcess> {
    const jp = new JobProcess(ctx, job.id, opts);
    await jp.#run();
    return jp;
  }

  /** The job tag carried by every process of this job. */
  get tag(): string {
    return jobTag(this.#ctx.store.instanceId, this.id);
  }

  /** Stops the whole group (signal, wait, SIGKILL); resolves once the job is over. */
  stop(kind: StopKind = "stopped", reason?: string): Promise<JobOutcome> {
    if (!this.#stopping) {
      this.#stopKind = kind;
      this.#stopReason = reason;
      // A stop that arrives while spawning waits for the pid, so nothing escapes it.
      this.#stopping = this.#spawned.then(() => this.#kill());
    }
    return this.done;
  }

  async #kill(): Promise<void> {
    const { stop } = this.#opts;
    const out = await stopGroup({ pgid: this.child?.pgid ?? null, tag: this.tag }, {
      signal: stop.signal,
      timeoutMs: stop.timeout_ms,
    });
    if (out.escalated && !this.#stopReason) {
      this.#stopReason = `did not stop within ${stop.timeout_ms} ms of ${stop.signal}; killed`;
    }
  }

  async #run(): Promise<void> {
    const { store, sink } = this.#ctx;
    const o = this.#opts;
    store.updateJob(this.id, { state: "starting" });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#ctx.baseEnv ?? process.env)) {
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, o.env, { [JOB_TAG_VAR]: this.tag, HERO_PROC_JOB_ID: String(this.id) });
    // The level of the last line of each stream, which an indented line (a stack frame) keeps.
    const last: Partial<Record<"stdout" | "stderr", LineLevel>> = {};
    const onLine = (stream: "stdout" | "stderr", line: string) =>
      sink.write({
        ts: Date.now(),
        source: `${o.source}.${stream}`,
        jobId: this.id,
        level: last[stream] = lineLevel(stream, line, last[stream]),
        line,
      });
    const onBlock = sink.writeBlock &&
      ((stream: "stdout" | "stderr", bytes: Uint8Array, lines: number) =>
        sink.writeBlock!({
          ts: Date.now(),
          source: `${o.source}.${stream}`,
          jobId: this.id,
          stream,
          bytes,
          lines,
        }));
    try {
      this.child = await spawnChild({ argv: o.argv, cwd: o.cwd, env, tty: o.tty }, onLine, {
        onBlock,
      });
    } catch (err) {
      const reason = `Cannot start: ${(err as Error).message}`;
      sink.write({
        ts: Date.now(),
        source: `${o.source}.stderr`,
        jobId: this.id,
        level: "error",
        line: reason,
      });
      this.#markSpawned();
      this.#finish({
        state: "failed",
        exitCode: null,
        signal: null,
        timedOut: false,
        cancelled: false,
        reason,
      });
      return;
    }
    const pid = this.child.pid;
    store.updateJob(this.id, {
      state: "running",
      pid,
      pgid: this.child.pgid,
      pid_start: readProc(pid)?.startTime ?? null,
      started_at: Date.now(),
    });
    this.#markSpawned();
    if (o.timeoutMs > 0) {
      this.#timer = setTimeout(
        () => this.stop("timed_out", `timed out after ${o.timeoutMs} ms`),
        o.timeoutMs,
      );
    }
    this.child.exited.then(async (exit) => {
      clearTimeout(this.#timer);
      // The leader is gone; whatever it left behind in its group goes too.
      if (!this.#stopping) {
        await stopGroup({ pgid: this.child!.pgid, tag: this.tag }, {
          signal: o.stop.signal,
          timeoutMs: o.stop.timeout_ms,
        });
      } else await this.#stopping;
      const kind = this.#stopKind;
      const ok = exit.exitCode === 0;
      this.#finish({
        state: kind ?? (ok ? "succeeded" : "failed"),
        exitCode: exit.exitCode,
        signal: exit.signal,
        timedOut: kind === "timed_out",
        cancelled: kind === "cancelled",
        reason: this.#stopReason ??
          (ok
            ? null
            : exit.signal
            ? `killed by ${exit.signal}`
            : `exited with code ${exit.exitCode}`),
      });
    });
  }

  #finish(outcome: JobOutcome): void {
    this.#ctx.store.updateJob(this.id, {
      state: outcome.state,
      exit_code: outcome.exitCode,
      signal: outcome.signal,
      reason: outcome.reason,
      ended_at: Date.now(),
    });
    this.#resolve(outcome);
  }
}
