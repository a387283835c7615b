/**
 * CPU and memory of a job: the sum over its live processes (group members and tagged
 * descendants). CPU is the share of one core since the previous sample of the same job.
 */
import { jobProcesses } from "./job_tag.js";
                                                

/** Resource use of a job right now. */
                           
                                                           
                     
                      
 

const TICKS_PER_SECOND = 100;
const lastSample = new Map                                       ();

/** Samples the processes of a job. */
export async function jobStats(pgid               , tag        )                    {
  const procs             = await jobProcesses(pgid, tag);
  const ticks = procs.reduce((s, p) => s + p.cpuTicks, 0);
  const now = Date.now();
  const prev = lastSample.get(tag);
  lastSample.set(tag, { ticks, at: now });
  if (lastSample.size > 10_000) lastSample.clear();
  const cpuPercent = prev && now > prev.at
    ? Math.max(0, ((ticks - prev.ticks) / TICKS_PER_SECOND) / ((now - prev.at) / 1000) * 100)
    : 0;
  return {
    processes: procs.map((p) => ({ pid: p.pid, pgid: p.pgid, comm: p.comm })),
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    memoryBytes: procs.reduce((s, p) => s + p.rssBytes, 0),
  };
}
