/**
 * What `status` and `list` report, checked against the kernel at the moment of asking: a pid is
 * shown only if that process (same start time) is alive, the processes are the members of the
 * job's cgroup (or, without one, of its group plus tagged descendants), and CPU/memory come from
 * the cgroup's accounting (or are summed over those processes). Status never repeats a stale
 * belief.
 */
import type { HealthState } from "../model/spec.ts";
import type { ActionRunner } from "./action_runner.ts";
import { jobTag } from "./job_tag.ts";
import { jobStats } from "./process_stats.ts";
import type { Supervisor } from "./supervisor.ts";

/** The observed state of one action. */
export interface ActionStatus {
  name: string;
  kind: string;
  state: string;
  health: HealthState;
  pid: number | null;
  pgid: number | null;
  uptime_ms: number;
  restarts: number;
  reason: string | null;
  job_id: number | null;
  cpu_percent: number;
  memory_bytes: number;
  /** `cgroup` when CPU and memory come from the cgroup's accounting, else `proc`. */
  usage_source: "cgroup" | "proc";
  /** The action's cgroup (relative to the instance directory), or null. */
  cgroup: string | null;
  processes: { pid: number; pgid: number; comm: string }[];
}

/** The observed state of one service. */
export interface ServiceStatus {
  name: string;
  description: string;
  source: string;
  desired: "up" | "down";
  autostart: boolean;
  state: string;
  health: HealthState;
  pid: number | null;
  uptime_ms: number;
  restarts: number;
  cpu_percent: number;
  memory_bytes: number;
  actions: ActionStatus[];
}

/** Observes one service. */
export async function serviceStatus(sup: Supervisor, name: string): Promise<ServiceStatus> {
  const entry = sup.service(name);
  const actions = await Promise.all(sup.runners(name).map((r) => actionStatus(sup, r)));
  const main = actions.find((a) => a.kind === "process" && a.pid !== null) ??
    actions.find((a) => a.pid !== null);
  return {
    name,
    description: entry.spec.description,
    source: entry.source,
    desired: actions.some((a) => a.state !== "stopped") && sup.runners(name).some((r) => r.desired)
      ? "up"
      : "down",
    autostart: entry.spec.autostart,
    state: aggregateState(actions.map((a) => a.state)),
    health: actions.some((a) => a.health === "unhealthy")
      ? "unhealthy"
      : actions.some((a) => a.health === "healthy")
      ? "healthy"
      : "unknown",
    pid: main?.pid ?? null,
    uptime_ms: main?.uptime_ms ?? 0,
    restarts: actions.reduce((s, a) => s + a.restarts, 0),
    cpu_percent: Math.round(actions.reduce((s, a) => s + a.cpu_percent, 0) * 10) / 10,
    memory_bytes: actions.reduce((s, a) => s + a.memory_bytes, 0),
    actions,
  };
}

async function actionStatus(sup: Supervisor, r: ActionRunner): Promise<ActionStatus> {
  const job = r.jobId === null ? undefined : sup.store.getJob(r.jobId);
  let stats: Awaited<ReturnType<typeof jobStats>> = {
    processes: [],
    cpuPercent: 0,
    memoryBytes: 0,
    source: "proc",
  };
  let live = false;
  if (r.job?.child !== undefined && job?.pid != null) {
    stats = await jobStats(job.pgid, jobTag(sup.store.instanceId, job.id), r.job.cgroup);
    // Alive means: the recorded pid is among the live processes of the job, read just now.
    live = stats.processes.some((p) => p.pid === job.pid);
  }
  let state: string = r.state;
  // The exit may not have been processed yet: never claim a dead process runs.
  if (state === "running" && !live) state = "exiting";
  return {
    name: r.spec.name,
    kind: r.spec.kind,
    state,
    health: live || r.spec.kind === "oneshot"
      ? r.health
      : r.health === "unhealthy"
      ? "unhealthy"
      : "unknown",
    pid: live ? job!.pid : null,
    pgid: live ? job!.pgid : null,
    uptime_ms: live && r.startedAt ? Date.now() - r.startedAt : 0,
    restarts: r.totalRestarts,
    reason: r.reason,
    job_id: r.jobId,
    cpu_percent: stats.cpuPercent,
    memory_bytes: stats.memoryBytes,
    usage_source: stats.source,
    cgroup: live ? r.job?.cgroup?.name ?? null : null,
    processes: stats.processes,
  };
}

/** One word for a set of action states. */
export function aggregateState(states: string[]): string {
  if (states.every((s) => s === "stopped")) return "stopped";
  if (states.includes("failed")) return "failed";
  if (states.includes("backoff")) return "restarting";
  if (states.includes("stopping") || states.includes("exiting")) return "stopping";
  if (states.includes("waiting_deps") || states.includes("starting")) return "starting";
  if (states.every((s) => s === "succeeded")) return "succeeded";
  return "running";
}

/**
 * The `/health` detail: how jobs are contained and, per service, its state, pid and CPU and
 * memory — from each job's cgroup where there is one (`usage_source`), read when asked.
 */
export async function healthDetail(sup: Supervisor): Promise<Record<string, unknown>> {
  const all = await Promise.all(sup.services().map((s) => serviceStatus(sup, s.spec.name)));
  return {
    containment: sup.containment.mode,
    services: all.map((s) => {
      const live = s.actions.filter((a) => a.pid !== null);
      return {
        name: s.name,
        state: s.state,
        health: s.health,
        pid: s.pid,
        cpu_percent: s.cpu_percent,
        memory_bytes: s.memory_bytes,
        usage_source: live.length && live.every((a) => a.usage_source === "cgroup")
          ? "cgroup"
          : live.length
          ? "proc"
          : null,
      };
    }),
  };
}
