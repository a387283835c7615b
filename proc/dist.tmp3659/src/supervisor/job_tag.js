/**
 * Finding every process a job started, even those that left its process group (setsid,
 * double fork): each child gets `HERO_PROC_JOB=<instance>:<job id>` in its environment, which
 * its descendants inherit and which `/proc/<pid>/environ` shows even after re-parenting.
 *
 * An index remembers, per pid and start time, the group and tag first seen, so a scan only
 * lists `/proc` and reads the few new processes; candidates are re-read to confirm they are
 * alive and the same process. This keeps the check that a stopped job left nothing behind
 * cheap enough to run on every exit.
 */
import fs from "node:fs";
import process from "node:process";
import { isDead, processEnvValue,                readProc, uptimeTicks } from "./proc_table.js";

/** The environment variable carrying the job tag. */
export const JOB_TAG_VAR = "HERO_PROC_JOB";

/** The tag of a job of a supervisor instance. */
export function jobTag(instanceId        , jobId        )         {
  return `${instanceId}:${jobId}`;
}

                 
                    
               
                     
                                                                                         
                   
 

const index = new Map               ();
let refreshed                                                 ;

/** Brings the index up to date (shared by callers within `maxAgeMs`). */
function refresh(maxAgeMs = 10)                {
  const now = Date.now();
  if (refreshed && now - refreshed.at <= maxAgeMs) return refreshed.done;
  const done = (async () => {
    const names = await fs.promises.readdir("/proc");
    const seen = new Set        ();
    let ticks = -1;
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(n);
      seen.add(pid);
      const known = index.get(pid);
      if (known && !known.recheck) continue;
      const p = readProc(pid);
      if (!p) continue;
      if (known && known.startTime !== p.startTime) index.delete(pid);
      const tag = processEnvValue(pid, JOB_TAG_VAR) ?? null;
      if (ticks < 0) ticks = uptimeTicks();
      index.set(pid, {
        startTime: p.startTime,
        pgid: p.pgid,
        tag,
        recheck: tag === null && ticks - p.startTime < 200,
      });
    }
    for (const pid of index.keys()) if (!seen.has(pid)) index.delete(pid);
  })();
  refreshed = { at: now, done };
  return done;
}

/** The job tag of a process, or null. */
export function tagOf(p          )                {
  const e = index.get(p.pid);
  return e && e.startTime === p.startTime ? e.tag : processEnvValue(p.pid, JOB_TAG_VAR) ?? null;
}

/** Live processes matching `match`, confirmed by re-reading them. */
async function find(match                       )                      {
  await refresh();
  const own = process.pid;
  const out             = [];
  for (const [pid, e] of index) {
    if (pid === own || !match(e)) continue;
    const p = readProc(pid);
    if (!isDead(p) && p .startTime === e.startTime) out.push(p );
  }
  return out;
}

/** Live processes tagged with `tag`, or with any tag starting with `tag` when it ends in ":". */
export function taggedProcesses(tag        )                      {
  const prefix = tag.endsWith(":");
  return find((e) => e.tag !== null && (prefix ? e.tag.startsWith(tag) : e.tag === tag));
}

/** Live members of process group `pgid` plus processes tagged with `tag`. */
export function jobProcesses(pgid               , tag        )                      {
  return find((e) => (pgid !== null && e.pgid === pgid) || e.tag === tag);
}
