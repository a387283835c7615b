/**
 * One job's process from start to end: spawn in its own group and its own cgroup (with the
 * action's limits), capture every line to the log sink, record pid/pgid/start time before
 * anything else happens, enforce the time limit, and on exit or stop make sure the whole cgroup
 * (or, without cgroups, the group and tagged descendants) is empty before the job is marked
 * over. Used by service actions and ad-hoc jobs alike.
 */
import process from "node:process";
import type { Cgroups } from "../cgroup/cgroups.ts";
import type { JobCgroup } from "../cgroup/job_cgroup.ts";
import type { LogSink } from "../logs/capture/log_sink.ts";
import { describeLimits, formatBytes, type Limits } from "../model/limits.ts";
import type { JobRecord, JobState, StopSpec } from "../model/spec.ts";
import type { Store } from "../store/store.ts";
import { JOB_TAG_VAR, jobTag } from "./job_tag.ts";
import type { LogLevel } from "@hero/sdk/levels";
import { lineLevel } from "../logs/capture/line_level.ts";
import { isAlive, readProc } from "./proc_table.ts";
import { checkCommand, type ChildExit, type ChildHandle, spawnChild } from "./spawn_child.ts";
import {
  adoptShimmed,
  type CaptureHandlers,
  drainShimmed,
  jobFiles,
  type ShimHandle,
  startShimmed,
} from "./shim_child.ts";
import fs from "node:fs";
import { execFile } from "node:child_process";

/** How much committed output a job's file holds before its disk blocks are freed. */
const PUNCH_BYTES = 64 * 1024 * 1024;
import { stopGroup } from "./stop_group.ts";
import type { ShimSpawner } from "./shim_spawner.ts";

/** Shared dependencies of every job. */
export interface JobContext {
  store: Store;
  sink: LogSink;
  /** Environment every child starts from (default: hero_proc's own). */
  baseEnv?: Record<string, string | undefined>;
  /** The instance's cgroups; undefined in process-group mode. */
  cgroups?: Cgroups;
  /** Pids that outlived SIGKILL when a job was stopped (reported by shutdown). */
  survivors?: number[];
  /** The hero_shim binary: jobs run under it and survive the daemon (see shim_child.ts). */
  shim?: string;
  /** Forks the shims (set with `shim`). */
  spawner?: ShimSpawner;
  /** Where shimmed jobs keep their output and exit files (`<state dir>/jobs`). */
  jobsDir?: string;
  /** Committed output a job's file holds before its disk blocks are freed (default 64 MiB). */
  reclaimBytes?: number;
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
  /** Resource limits, applied through the job's cgroup. */
  limits?: Limits;
  /** The service and action, naming the job's cgroup (empty for ad-hoc jobs). */
  service?: string;
  action?: string;
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
  /** The child, once spawned (or adopted). */
  child?: ChildHandle & { shimPid?: number; release?: () => void };
  /** True when this daemon adopted the job from a previous one. */
  adopted = false;
  /** The job's cgroup (cgroup mode). */
  cgroup?: JobCgroup;
  /** Resolves when the job is over and recorded. */
  readonly done: Promise<JobOutcome>;
  readonly #ctx: JobContext;
  readonly #opts: JobRunOptions;
  #stopKind?: StopKind;
  #punched = { stdout: 0, stderr: 0 };
  #detached = false;
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

  /**
   * Resumes supervising a job a previous daemon started under hero_shim (still running, or
   * ended while no daemon ran: then it ends at once with the status the shim recorded).
   */
  static adopt(ctx: JobContext, job: JobRecord, opts: JobRunOptions): JobProcess {
    const jp = new JobProcess(ctx, job.id, opts);
    jp.adopted = true;
    if (ctx.cgroups && opts.service !== undefined) {
      jp.cgroup = ctx.cgroups.job(job.id, opts.service, opts.action);
    }
    const files = jobFiles(ctx.jobsDir!, job.id);
    const offsets = {
      stdout: ctx.sink.offsetOf(job.id, "stdout"),
      stderr: ctx.sink.offsetOf(job.id, "stderr"),
    };
    jp.child = adoptShimmed(
      { pid: job.pid!, shimPid: job.shim_pid!, shimStart: job.shim_start },
      files,
      offsets,
      jp.#capture(),
    );
    jp.#markSpawned();
    jp.#watch();
    return jp;
  }

  /**
   * Stores what the output files of a job that is over hold beyond the committed offsets, then
   * removes them: a daemon that died after reading a job's last lines but before committing
   * them left that output there (its exit already recorded). Exactly once, like adoption.
   */
  static async drain(ctx: JobContext, job: JobRecord): Promise<void> {
    const source = job.service ? `${job.service}.${job.action}` : `job.${job.id}`;
    const stop = { signal: "SIGTERM", timeout_ms: 0 };
    const jp = new JobProcess(ctx, job.id, { argv: [], env: {}, source, stop, timeoutMs: 0 });
    // A shim whose job was just stopped by recovery may still be relaying its last output.
    for (let i = 0; i < 100 && job.shim_pid && isAlive(job.shim_pid, job.shim_start); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const offsets = {
      stdout: ctx.sink.offsetOf(job.id, "stdout"),
      stderr: ctx.sink.offsetOf(job.id, "stderr"),
    };
    await drainShimmed(jobFiles(ctx.jobsDir!, job.id), offsets, jp.#capture());
    await retireJobFiles(ctx, job.id);
  }

  /** Lets go of the job without stopping it (upgrade): a next daemon adopts it. */
  detach(): void {
    this.#detached = true;
    clearTimeout(this.#timer);
    this.child?.release?.();
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
    const out = await stopGroup(this.#target(), {
      signal: stop.signal,
      timeoutMs: stop.timeout_ms,
    });
    this.#ctx.survivors?.push(...out.survivors);
    if (out.escalated && !this.#stopReason) {
      this.#stopReason = `did not stop within ${stop.timeout_ms} ms of ${stop.signal}; killed`;
    }
  }

  #target() {
    return {
      pgid: this.child?.pgid ?? null,
      tag: this.tag,
      cgroup: this.cgroup,
      exclude: this.child?.shimPid,
    };
  }

  /** Where captured output goes: the log sink, with the file offsets it has reached. */
  #capture(): CaptureHandlers {
    const { sink } = this.#ctx;
    const o = this.#opts;
    // The level of the last line of each stream, which an indented line (a stack frame) keeps.
    const last: Partial<Record<"stdout" | "stderr", LogLevel>> = {};
    return {
      onLine: (stream, line) =>
        sink.write({
          ts: Date.now(),
          source: `${o.source}.${stream}`,
          jobId: this.id,
          level: last[stream] = lineLevel(stream, line, last[stream]),
          line,
        }),
      onBlock: (stream, bytes, lines) =>
        sink.writeBlock({
          ts: Date.now(),
          source: `${o.source}.${stream}`,
          jobId: this.id,
          stream,
          bytes,
          lines,
        }),
      onOffset: (stream, offset) => {
        sink.mark(this.id, stream, offset);
        this.#reclaim(stream, offset);
      },
    };
  }

  /**
   * A long-running job's output files would grow for ever: once every PUNCH_BYTES, after the
   * lines up to `offset` are committed, hero_shim frees their disk blocks (offsets stay valid).
   */
  #reclaim(stream: "stdout" | "stderr", offset: number): void {
    const { shim, jobsDir, sink } = this.#ctx;
    const every = this.#ctx.reclaimBytes ?? PUNCH_BYTES;
    if (!shim || !jobsDir || !sink.durable || offset - this.#punched[stream] < every) return;
    this.#punched[stream] = offset;
    const file = jobFiles(jobsDir, this.id)[stream];
    sink.durable().then(() => {
      execFile(shim, ["--punch", file, String(offset)], () => {});
    }, () => {});
  }

  /** Makes the job's cgroup with its limits; returns why it cannot, or undefined. */
  #makeCgroup(): string | undefined {
    const o = this.#opts;
    const limits = o.limits && Object.keys(o.limits).length ? o.limits : undefined;
    const cgroups = this.#ctx.cgroups;
    if (!cgroups) {
      if (limits) {
        this.#note(
          "warn",
          `limits not enforced (${describeLimits(limits)}): no cgroup (process-group mode)`,
        );
      }
      return undefined;
    }
    const cg = cgroups.job(this.id, o.service, o.action);
    try {
      cg.create(limits);
    } catch (err) {
      cg.remove();
      return (err as Error).message;
    }
    this.cgroup = cg;
    return undefined;
  }

  /** A line of the supervisor's own about this job, beside its output. */
  #note(level: "info" | "warn" | "error", line: string): void {
    this.#ctx.sink.write({
      ts: Date.now(),
      source: `${this.#opts.source}.supervisor`,
      jobId: this.id,
      level,
      line,
    });
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
    const capture = this.#capture();
    const { spawner, jobsDir } = this.#ctx;
    try {
      const cgError = this.#makeCgroup();
      if (cgError) throw new Error(cgError);
      const spec = { argv: o.argv, cwd: o.cwd, env, tty: o.tty, join: this.cgroup?.procsFiles };
      if (spawner && jobsDir) {
        checkCommand(spec);
        this.child = await startShimmed(
          spawner,
          spec,
          jobFiles(jobsDir, this.id),
          spec.join ?? [],
          capture,
        );
      } else {
        this.child = await spawnChild(spec, capture.onLine, { onBlock: capture.onBlock });
      }
    } catch (err) {
      this.cgroup?.remove();
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
    const shimPid = (this.child as Partial<ShimHandle>).shimPid;
    store.updateJob(this.id, {
      state: "running",
      pid,
      pgid: this.child.pgid,
      pid_start: readProc(pid)?.startTime ?? null,
      shim_pid: shimPid ?? null,
      shim_start: shimPid ? readProc(shimPid)?.startTime ?? null : null,
      started_at: Date.now(),
    });
    this.#markSpawned();
    this.#watch();
  }

  /** Enforces the time limit and waits for the end: leftovers stopped, status recorded. */
  #watch(): void {
    const o = this.#opts;
    const started = this.#ctx.store.getJob(this.id)?.started_at ?? Date.now();
    if (o.timeoutMs > 0) {
      this.#timer = setTimeout(
        () => this.stop("timed_out", `timed out after ${o.timeoutMs} ms`),
        Math.max(0, started + o.timeoutMs - Date.now()),
      );
    }
    this.child!.exited.then(async (exit: ChildExit) => {
      if (this.#detached) return;
      clearTimeout(this.#timer);
      // The leader is gone; whatever it left behind in its group goes too.
      if (!this.#stopping) {
        await stopGroup(this.#target(), {
          signal: o.stop.signal,
          timeoutMs: o.stop.timeout_ms,
        });
      } else await this.#stopping;
      // Let go meanwhile (upgrade): the store is closing; the next daemon records this end
      // from the shim's exit file and applies the restart policy.
      if (this.#detached) return;
      const oom = this.#oomReason(exit.signal);
      if (oom) this.#note("error", oom);
      this.cgroup?.remove();
      const kind = this.#stopKind;
      const ok = exit.exitCode === 0;
      this.#finish({
        state: kind ?? (ok ? "succeeded" : "failed"),
        exitCode: exit.exitCode,
        signal: exit.signal,
        timedOut: kind === "timed_out",
        cancelled: kind === "cancelled",
        reason: this.#stopReason ?? oom ?? exit.note ??
          (ok
            ? null
            : exit.signal
            ? `killed by ${exit.signal}`
            : `exited with code ${exit.exitCode}`),
      });
    });
  }

  /** "killed by its memory limit" when the kernel's OOM killer acted in the job's cgroup. */
  #oomReason(signal: string | null): string | undefined {
    const mem = this.#opts.limits?.memory_bytes;
    if (!this.cgroup || signal !== "SIGKILL" || !this.cgroup.oomKills()) return undefined;
    return `killed by its memory limit${mem ? ` (${formatBytes(mem)})` : ""}`;
  }

  /** Removes the job's output files once every line of them is committed. */
  #cleanup(): void {
    if (!(this.child as Partial<ShimHandle> | undefined)?.shimPid) return;
    void retireJobFiles(this.#ctx, this.id);
  }

  #finish(outcome: JobOutcome): void {
    this.#ctx.store.updateJob(this.id, {
      state: outcome.state,
      exit_code: outcome.exitCode,
      signal: outcome.signal,
      reason: outcome.reason,
      ended_at: Date.now(),
    });
    this.#cleanup();
    this.#resolve(outcome);
  }
}

/**
 * Once every line read from a job's output files is committed: removes the files and the
 * job's committed offsets (nothing will read them again).
 */
async function retireJobFiles(ctx: JobContext, jobId: number): Promise<void> {
  try {
    await ctx.sink.durable();
  } catch {
    return; // not committed: the files stay for the next daemon to read
  }
  fs.rmSync(jobFiles(ctx.jobsDir!, jobId).dir, { recursive: true, force: true });
  ctx.sink.forget([jobId]);
}
