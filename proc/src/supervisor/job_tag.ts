/**
 * Finding every process a job started, even those that left its process group (setsid,
 * double fork): each child gets `HERO_PROC_JOB=<instance>:<job id>` in its environment, which
 * its descendants inherit and which `/proc/<pid>/environ` shows even after re-parenting.
 * Tags are cached per (pid, start time), so a scan only reads the environment of new processes.
 */
import process from "node:process";
import { type ProcInfo, processEnvValue, scanProcesses, uptimeTicks } from "./proc_table.ts";

/** The environment variable carrying the job tag. */
export const JOB_TAG_VAR = "HERO_PROC_JOB";

/** The tag of a job of a supervisor instance. */
export function jobTag(instanceId: string, jobId: number): string {
  return `${instanceId}:${jobId}`;
}

const tagCache = new Map<string, string | null>();

/** The job tag of a process, or null. */
export function tagOf(p: ProcInfo): string | null {
  const key = `${p.pid}:${p.startTime}`;
  let tag = tagCache.get(key);
  if (tag === undefined) {
    tag = processEnvValue(p.pid, JOB_TAG_VAR) ?? null;
    if (tagCache.size > 50_000) tagCache.clear();
    // A very young untagged process may be our own child between fork and exec: ask again later.
    if (tag !== null || uptimeTicks() - p.startTime > 200) tagCache.set(key, tag);
  }
  return tag;
}

/** Live processes tagged with `tag`, or with any tag starting with `tag` when it ends in ":". */
export async function taggedProcesses(tag: string): Promise<ProcInfo[]> {
  const procs = await scanProcesses();
  const own = process.pid;
  return procs.filter((p) => {
    if (p.pid === own) return false;
    const v = tagOf(p);
    return v !== null && (tag.endsWith(":") ? v.startsWith(tag) : v === tag);
  });
}

/** Live members of process group `pgid` plus processes tagged with `tag`. */
export async function jobProcesses(pgid: number | null, tag: string): Promise<ProcInfo[]> {
  const procs = await scanProcesses();
  const own = process.pid;
  return procs.filter((p) => p.pid !== own && ((pgid !== null && p.pgid === pgid) || tagOf(p) === tag));
}
