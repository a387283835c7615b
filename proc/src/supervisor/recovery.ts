/**
 * Crash recovery, by clean stop-and-restart: when hero_proc starts, every job the store still
 * shows as unfinished belonged to a previous hero_proc that died. Its processes are found again
 * — every member of the job cgroups left under this instance, and (process-group mode, or
 * leftovers of such a run) recorded groups whose leader has the recorded start time plus every
 * process carrying one of this instance's job tags — and stopped with each action's own stop
 * signal and timeout, all services in parallel. The jobs are closed as `stopped`. Only then are
 * the wanted services started again, so nothing runs twice. Jobs held by a live hero_shim (or
 * whose shim recorded an exit) are left alone and handed back for adoption.
 */
import type { Cgroups } from "../cgroup/cgroups.ts";
import type { JobCgroup } from "../cgroup/job_cgroup.ts";
import type { JobRecord, StopSpec } from "../model/spec.ts";
import type { Store } from "../store/store.ts";
import { jobTag, taggedProcesses, tagOf } from "./job_tag.ts";
import { isAlive } from "./proc_table.ts";
import { stopGroup, targetProcesses } from "./stop_group.ts";

/** What recovery did. */
export interface RecoveryReport {
  /** Jobs left running (or ended while no daemon ran) under hero_shim, to be adopted. */
  adopted: JobRecord[];
  /** Jobs closed because the previous supervisor died while they were open. */
  closedJobs: number[];
  /** Processes that were still running and had to be stopped. */
  stoppedPids: number[];
  /** How long stopping the leftovers took, ms. */
  stopMs: number;
}

/** The stop used for ad-hoc jobs and jobs whose action is gone. */
const DEFAULT_STOP: StopSpec = { signal: "SIGTERM", timeout_ms: 5000 };

interface Target {
  pgid: number | null;
  tag: string;
  cgroup?: JobCgroup;
  stop: StopSpec;
}

/**
 * Stops leftovers of a previous run (each with its action's stop spec) and closes its jobs,
 * except the jobs `adoptable` accepts: those are returned to be adopted, untouched.
 */
export async function recoverAfterCrash(
  store: Store,
  cgroups?: Cgroups,
  adoptable: (job: JobRecord) => boolean = () => false,
): Promise<RecoveryReport> {
  const started = Date.now();
  const all = store.unfinishedJobs();
  const adopted = all.filter(adoptable);
  const kept = new Set(adopted.map((j) => j.id));
  const unfinished = all.filter((j) => !kept.has(j.id));
  const stops = new Map<string, StopSpec>();
  for (const s of store.listServices()) {
    for (const a of s.spec.actions) stops.set(`${s.spec.name}.${a.name}`, a.stop);
  }
  const stopOf = (job: JobRecord | undefined) =>
    (job && stops.get(`${job.service}.${job.action}`)) ?? DEFAULT_STOP;
  const targets = new Map<string, Target>();
  const stopped = new Set<number>();
  for (const job of unfinished) {
    const groupAlive = job.pid !== null && isAlive(job.pid, job.pid_start);
    if (groupAlive) stopped.add(job.pid!);
    targets.set(jobTag(store.instanceId, job.id), {
      pgid: groupAlive ? job.pgid : null,
      tag: jobTag(store.instanceId, job.id),
      stop: stopOf(job),
    });
  }
  const leftoverCgroups = cgroups?.existing() ?? [];
  for (const { jobId, cgroup } of leftoverCgroups) {
    if (kept.has(jobId)) continue;
    const tag = jobTag(store.instanceId, jobId);
    const t = targets.get(tag) ?? { pgid: null, tag, stop: stopOf(store.getJob(jobId)) };
    t.cgroup = cgroup;
    targets.set(tag, t);
  }
  const keptTags = new Set(adopted.map((j) => jobTag(store.instanceId, j.id)));
  const keptShims = new Set(adopted.map((j) => j.shim_pid));
  for (const p of await taggedProcesses(`${store.instanceId}:`)) {
    const tag = tagOf(p);
    if ((tag && keptTags.has(tag)) || keptShims.has(p.pid)) continue;
    stopped.add(p.pid);
    if (tag && !targets.has(tag)) {
      const id = Number(tag.slice(tag.indexOf(":") + 1));
      targets.set(tag, { pgid: null, tag, stop: stopOf(store.getJob(id)) });
    }
  }
  await Promise.all([...targets.values()].map(async (t) => {
    for (const p of await targetProcesses(t)) stopped.add(p.pid);
    await stopGroup(t, { signal: t.stop.signal, timeoutMs: t.stop.timeout_ms });
    t.cgroup?.remove();
  }));
  const stoppedPids = [...stopped];
  const now = Date.now();
  for (const job of unfinished) {
    const wasRunning = job.pid !== null && stoppedPids.includes(job.pid);
    store.updateJob(job.id, {
      state: "stopped",
      ended_at: now,
      reason: wasRunning
        ? "hero_proc restarted after a crash: stopped the processes it left behind"
        : "hero_proc restarted after a crash: the job was not running any more",
    });
  }
  return {
    adopted,
    closedJobs: unfinished.map((j) => j.id),
    stoppedPids,
    stopMs: targets.size ? Date.now() - started : 0,
  };
}
