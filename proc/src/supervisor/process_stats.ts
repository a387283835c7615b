/**
 * CPU and memory of a job. With a cgroup they come from the kernel's accounting of the cgroup
 * (every process the job ever forked, however it detached); without one they are summed over
 * its live processes (group members and tagged descendants) from `/proc`. CPU is the share of
 * one core since the previous sample of the same job.
 */
import type { JobCgroup } from "../cgroup/job_cgroup.ts";
import { targetProcesses } from "./stop_group.ts";
import type { ProcInfo } from "./proc_table.ts";

/** Resource use of a job right now. */
export interface JobStats {
  processes: { pid: number; pgid: number; comm: string }[];
  cpuPercent: number;
  memoryBytes: number;
  /** Where the figures come from. */
  source: "cgroup" | "proc";
}

const TICKS_PER_SECOND = 100;
const lastSample = new Map<string, { usec: number; at: number }>();

/** Samples the processes of a job. */
export async function jobStats(
  pgid: number | null,
  tag: string,
  cgroup?: JobCgroup,
): Promise<JobStats> {
  const procs: ProcInfo[] = await targetProcesses({ pgid, tag, cgroup });
  const use = cgroup?.usage();
  const fromCgroup = use?.cpuUsec != null;
  const usec = fromCgroup
    ? use!.cpuUsec!
    : procs.reduce((s, p) => s + p.cpuTicks, 0) * (1e6 / TICKS_PER_SECOND);
  const now = Date.now();
  const prev = lastSample.get(tag);
  lastSample.set(tag, { usec, at: now });
  if (lastSample.size > 10_000) lastSample.clear();
  const cpuPercent = prev && now > prev.at
    ? Math.max(0, ((usec - prev.usec) / 1e6) / ((now - prev.at) / 1000) * 100)
    : 0;
  return {
    processes: procs.map((p) => ({ pid: p.pid, pgid: p.pgid, comm: p.comm })),
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    memoryBytes: use?.memoryBytes ?? procs.reduce((s, p) => s + p.rssBytes, 0),
    source: fromCgroup ? "cgroup" : "proc",
  };
}
