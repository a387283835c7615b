/**
 * Crash recovery, by clean stop-and-restart (not re-adoption): when hero_proc starts, every job
 * the store still shows as unfinished belonged to a previous hero_proc that died. Its group is
 * found again (pid + start time, so a reused pid is never touched) together with every process
 * carrying one of this instance's job tags, all of it is stopped, and the jobs are closed as
 * `stopped`. Only then are the wanted services started again — so nothing runs twice.
 */
                                               
import { jobTag, taggedProcesses, tagOf } from "./job_tag.js";
import { isAlive } from "./proc_table.js";
import { stopGroup } from "./stop_group.js";

/** What recovery did. */
                                 
                                                                               
                       
                                                                 
                        
 

/** Stops leftovers of a previous run and closes its unfinished jobs. */
export async function recoverAfterCrash(
  store       ,
  stopTimeoutMs = 5000,
)                          {
  const unfinished = store.unfinishedJobs();
  const leftovers = await taggedProcesses(`${store.instanceId}:`);
  const stoppedPids = leftovers.map((p) => p.pid);
  const targets = new Map                       ();
  for (const job of unfinished) {
    const groupAlive = job.pid !== null && isAlive(job.pid, job.pid_start);
    if (groupAlive && !stoppedPids.includes(job.pid )) stoppedPids.push(job.pid );
    targets.set(jobTag(store.instanceId, job.id), groupAlive ? job.pgid : null);
  }
  for (const p of leftovers) {
    const tag = tagOf(p);
    if (tag && !targets.has(tag)) targets.set(tag, null);
  }
  await Promise.all(
    [...targets].map(([tag, pgid]) =>
      stopGroup({ pgid, tag }, { signal: "SIGTERM", timeoutMs: stopTimeoutMs })
    ),
  );
  const now = Date.now();
  for (const job of unfinished) {
    const wasRunning = job.pid !== null && stoppedPids.includes(job.pid);
    store.updateJob(job.id, {
      state: "stopped",
      ended_at: now,
      reason: wasRunning
        ? "hero_proc restarted after a crash: stopped the process group it left behind"
        : "hero_proc restarted after a crash: the job was not running any more",
    });
  }
  return { closedJobs: unfinished.map((j) => j.id), stoppedPids };
}
