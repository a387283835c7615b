/**
 * Stopping everything a job started: the stop signal to its process group (and to tagged
 * processes that left the group), a wait of up to `timeoutMs`, then SIGKILL to all of them.
 * Resolves only when none of them is alive, so "stopped" is always true.
 */
import process from "node:process";
import { jobProcesses } from "./job_tag.js";
                                                

/** What to stop. */
                             
                                                            
                      
                                                            
              
 

/** Options of {@link stopGroup}. */
                              
                 
                    
                                                                       
                      
 

/** The outcome: whether SIGKILL was needed and whether anything survived it. */
                              
                     
                      
 

/** Signals the group and tagged descendants, escalating to SIGKILL after the timeout. */
export async function stopGroup(target            , opts             )                       {
  let procs = await jobProcesses(target.pgid, target.tag);
  if (!procs.length) return { escalated: false, survivors: [] };
  signalAll(target.pgid, procs, opts.signal);
  procs = await waitGone(target, opts.timeoutMs);
  if (!procs.length) return { escalated: false, survivors: [] };
  signalAll(target.pgid, procs, "SIGKILL");
  procs = await waitGone(target, opts.killWaitMs ?? 5000);
  return { escalated: true, survivors: procs.map((p) => p.pid) };
}

/** Sends `signal` to the group and to each tagged process outside it. */
export function signalAll(pgid               , procs            , signal        )       {
  if (pgid !== null) trySignal(-pgid, signal);
  for (const p of procs) {
    if (p.pgid !== pgid) trySignal(p.pid, signal);
    // A process that is STOPPED would never act on SIGTERM.
    if (signal !== "SIGKILL" && p.state === "T") trySignal(p.pid, "SIGCONT");
  }
}

/** Waits up to `ms` for every process of the target to be gone; returns the survivors. */
export async function waitGone(target            , ms        )                      {
  const deadline = Date.now() + ms;
  let delay = 5;
  for (;;) {
    const procs = await jobProcesses(target.pgid, target.tag);
    if (!procs.length || Date.now() >= deadline) return procs;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 50);
  }
}

function trySignal(pid        , signal        )       {
  try {
    process.kill(pid, signal                  );
  } catch {
    // ESRCH: already gone.
  }
}
