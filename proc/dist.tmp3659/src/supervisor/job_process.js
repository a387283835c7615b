/**
 * One job's process from start to end: spawn in its own group, capture every line to the log
 * sink, record pid/pgid/start time before anything else happens, enforce the time limit, and
 * on exit or stop make sure the whole group (and tagged descendants) is gone before the job is
 * marked over. Used by service actions and ad-hoc jobs alike.
 */
import process from "node:process";
                                                   
                                                                      
                                               
import { JOB_TAG_VAR, jobTag } from "./job_tag.js";
import { readProc } from "./proc_table.js";
import {                   spawnChild } from "./spawn_child.js";
import { stopGroup } from "./stop_group.js";

/** Shared dependencies of every job. */
                             
               
                
                                                                        
                                               
 

/** How to run the job. */
                                
                 
               
                              
                
                                                                        
                 
                 
                               
                    
 

/** The result of a job: one shape for every process result. */
                             
                  
                          
                        
                    
                     
                        
 

                                                                 

/** A started job. */
export class JobProcess {
  /** The job id. */
           id        ;
  /** The child, once spawned. */
  child              ;
  /** Resolves when the job is over and recorded. */
           done                     ;
           #ctx            ;
           #opts               ;
  #stopKind           ;
  #stopReason         ;
  #stopping                ;
  #resolve                          ;
  #timer                                ;
  #spawned               ;
  #markSpawned             ;

          constructor(ctx            , id        , opts               ) {
    this.#ctx = ctx;
    this.id = id;
    this.#opts = opts;
    this.done = new Promise((r) => (this.#resolve = r));
    this.#spawned = new Promise((r) => (this.#markSpawned = r));
  }

  /** Spawns the job (already created in the store); a failed spawn ends the job as failed. */
  static async start(ctx            , job           , opts               )                      {
    const jp = new JobProcess(ctx, job.id, opts);
    await jp.#run();
    return jp;
  }

  /** The job tag carried by every process of this job. */
  get tag()         {
    return jobTag(this.#ctx.store.instanceId, this.id);
  }

  /** Stops the whole group (signal, wait, SIGKILL); resolves once the job is over. */
  stop(kind           = "stopped", reason         )                      {
    if (!this.#stopping) {
      this.#stopKind = kind;
      this.#stopReason = reason;
      // A stop that arrives while spawning waits for the pid, so nothing escapes it.
      this.#stopping = this.#spawned.then(() => this.#kill());
    }
    return this.done;
  }

  async #kill()                {
    const { stop } = this.#opts;
    const out = await stopGroup({ pgid: this.child?.pgid ?? null, tag: this.tag }, {
      signal: stop.signal,
      timeoutMs: stop.timeout_ms,
    });
    if (out.escalated && !this.#stopReason) {
      this.#stopReason = `did not stop within ${stop.timeout_ms} ms of ${stop.signal}; killed`;
    }
  }

  async #run()                {
    const { store, sink } = this.#ctx;
    const o = this.#opts;
    store.updateJob(this.id, { state: "starting" });
    const env                         = {};
    for (const [k, v] of Object.entries(this.#ctx.baseEnv ?? process.env)) {
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, o.env, { [JOB_TAG_VAR]: this.tag, HERO_PROC_JOB_ID: String(this.id) });
    const onLine = (stream                     , line        ) =>
      sink.write({
        ts: Date.now(),
        source: `${o.source}.${stream}`,
        jobId: this.id,
        level: stream === "stderr" ? "error" : "info",
        line,
      });
    try {
      this.child = await spawnChild({ argv: o.argv, cwd: o.cwd, env, tty: o.tty }, onLine);
    } catch (err) {
      const reason = `Cannot start: ${(err         ).message}`;
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
    store.updateJob(this.id, {
      state: "running",
      pid,
      pgid: this.child.pgid,
      pid_start: readProc(pid)?.startTime ?? null,
      started_at: Date.now(),
    });
    this.#markSpawned();
    if (o.timeoutMs > 0) {
      this.#timer = setTimeout(
        () => this.stop("timed_out", `timed out after ${o.timeoutMs} ms`),
        o.timeoutMs,
      );
    }
    this.child.exited.then(async (exit) => {
      clearTimeout(this.#timer);
      // The leader is gone; whatever it left behind in its group goes too.
      if (!this.#stopping) {
        await stopGroup({ pgid: this.child .pgid, tag: this.tag }, {
          signal: o.stop.signal,
          timeoutMs: o.stop.timeout_ms,
        });
      } else await this.#stopping;
      const kind = this.#stopKind;
      const ok = exit.exitCode === 0;
      this.#finish({
        state: kind ?? (ok ? "succeeded" : "failed"),
        exitCode: exit.exitCode,
        signal: exit.signal,
        timedOut: kind === "timed_out",
        cancelled: kind === "cancelled",
        reason: this.#stopReason ??
          (ok
            ? null
            : exit.signal
            ? `killed by ${exit.signal}`
            : `exited with code ${exit.exitCode}`),
      });
    });
  }

  #finish(outcome            )       {
    this.#ctx.store.updateJob(this.id, {
      state: outcome.state,
      exit_code: outcome.exitCode,
      signal: outcome.signal,
      reason: outcome.reason,
      ended_at: Date.now(),
    });
    this.#resolve(outcome);
  }
}
