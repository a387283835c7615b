/**
 * Stopping everything a job started: the stop signal to its process group and to every other
 * member of its cgroup (or, without cgroups, to tagged processes that left the group), a wait
 * of up to `timeoutMs`, then `cgroup.kill` / SIGKILL to all of them. Resolves only when none of
 * them is alive (the cgroup is empty), so "stopped" is always true.
 */
import process from "node:process";
import type { JobCgroup } from "../cgroup/job_cgroup.ts";
import { jobProcesses } from "./job_tag.ts";
import { isDead, type ProcInfo, readProc } from "./proc_table.ts";

/** What to stop. */
export interface StopTarget {
  /** The job's process group (null if it never started). */
  pgid: number | null;
  /** The job tag; finds descendants that left the group (fallback mode). */
  tag: string;
  /** The job's cgroup: its members are the job's processes, whatever they did. */
  cgroup?: JobCgroup;
  /** A pid that is not the job's though it carries the tag: its hero_shim. */
  exclude?: number;
}

/** Options of {@link stopGroup}. */
export interface StopOptions {
  signal: string;
  timeoutMs: number;
  /** How long to wait after SIGKILL before giving up (default 5 s). */
  killWaitMs?: number;
}

/** The outcome: whether SIGKILL was needed and whether anything survived it. */
export interface StopOutcome {
  escalated: boolean;
  survivors: number[];
}

/** Signals the group and tagged descendants, escalating to SIGKILL after the timeout. */
export async function stopGroup(target: StopTarget, opts: StopOptions): Promise<StopOutcome> {
  let procs = await targetProcesses(target);
  if (!procs.length) return { escalated: false, survivors: [] };
  signalAll(target.pgid, procs, opts.signal);
  procs = await waitGone(target, opts.timeoutMs);
  if (!procs.length) return { escalated: false, survivors: [] };
  target.cgroup?.kill();
  signalAll(target.pgid, procs, "SIGKILL");
  procs = await waitGone(target, opts.killWaitMs ?? 5000);
  return { escalated: true, survivors: procs.map((p) => p.pid) };
}

/** Sends `signal` to the group and to each tagged process outside it. */
export function signalAll(pgid: number | null, procs: ProcInfo[], signal: string): void {
  if (pgid !== null) trySignal(-pgid, signal);
  for (const p of procs) {
    if (p.pgid !== pgid) trySignal(p.pid, signal);
    // A process that is STOPPED would never act on SIGTERM.
    if (signal !== "SIGKILL" && p.state === "T") trySignal(p.pid, "SIGCONT");
  }
}

/** Waits up to `ms` for every process of the target to be gone; returns the survivors. */
export async function waitGone(target: StopTarget, ms: number): Promise<ProcInfo[]> {
  const deadline = Date.now() + ms;
  let delay = 5;
  for (;;) {
    const procs = await targetProcesses(target);
    if (!procs.length || Date.now() >= deadline) return procs;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * The live processes of a target: its cgroup's members (and its leader while that is still
 * our child on its way into the cgroup), or, without a cgroup, its group and tagged processes.
 */
export async function targetProcesses(target: StopTarget): Promise<ProcInfo[]> {
  if (!target.cgroup) {
    return (await jobProcesses(target.pgid, target.tag)).filter((p) => p.pid !== target.exclude);
  }
  const members = target.cgroup.members();
  const out: ProcInfo[] = [];
  for (const pid of members) {
    const p = readProc(pid);
    if (!isDead(p)) out.push(p!);
  }
  if (target.pgid !== null && !members.includes(target.pgid)) {
    // Between fork and joining its cgroup the leader is outside it for a moment (its parent
    // is this daemon, or the job's hero_shim).
    const p = readProc(target.pgid);
    if (!isDead(p) && (p!.ppid === process.pid || p!.ppid === target.exclude)) out.push(p!);
  }
  return out;
}

function trySignal(pid: number, signal: string): void {
  try {
    process.kill(pid, signal as NodeJS.Signals);
  } catch {
    // ESRCH: already gone.
  }
}
