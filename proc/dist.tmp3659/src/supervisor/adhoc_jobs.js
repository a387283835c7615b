/**
 * Ad-hoc jobs: external work submitted over RPC (`job.run`), tracked exactly like an action's
 * job — own process group, captured output under `job.<id>`, time limit, cancellation — and
 * waited for by id.
 */
import { HeroError } from "../../sdk/mod.js";
import { command } from "../model/validate_service.js";
import { FINAL_JOB_STATES,                } from "../model/spec.js";
import {                  JobProcess } from "./job_process.js";

/** What `job.run` accepts. */
                               
                             
                               
               
                      
                                                         
                           
 

/** The registry of running ad-hoc jobs. */
export class AdhocJobs {
           #ctx            ;
           #live = new Map                    ();

  /** Ad-hoc jobs share the supervisor's store and log sink. */
  constructor(ctx            ) {
    this.#ctx = ctx;
  }

  /** Starts a job; resolves once it is running (or has failed to start). */
  async run(req              )                     {
    const argv = command(req.command, "Invalid job: command");
    const job = this.#ctx.store.createJob({
      service: "",
      action: "",
      command: argv,
      cwd: req.cwd ?? null,
      state: "pending",
      attempt: 1,
    });
    const jp = await JobProcess.start(this.#ctx, job, {
      argv,
      cwd: req.cwd,
      env: req.env ?? {},
      source: `job.${job.id}`,
      stop: { signal: "SIGTERM", timeout_ms: req.stop_timeout_ms ?? 5000 },
      timeoutMs: req.timeout_ms ?? 0,
    });
    this.#live.set(job.id, jp);
    jp.done.then(() => this.#live.delete(job.id));
    return this.#ctx.store.getJob(job.id) ;
  }

  /** A job by id, or a JOB_NOT_FOUND error. */
  get(id        )            {
    const job = this.#ctx.store.getJob(id);
    if (!job) throw new HeroError("JOB_NOT_FOUND", `Unknown job ${id}`, { details: { id } });
    return job;
  }

  /** Cancels a running ad-hoc job (its whole group); resolves with the final record. */
  async cancel(id        )                     {
    const job = this.get(id);
    const jp = this.#live.get(id);
    if (!jp) {
      if (job.service) {
        throw new HeroError(
          "JOB_NOT_CANCELLABLE",
          `Job ${id} belongs to service "${job.service}"; stop it with service.stop`,
        );
      }
      return job;
    }
    await jp.stop("cancelled", "cancelled by request");
    return this.get(id);
  }

  /** Waits until the job is over or `timeoutMs` passes; returns the record either way. */
  async wait(id        , timeoutMs        , signal              )                     {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = this.get(id);
      if (FINAL_JOB_STATES.includes(job.state) || Date.now() >= deadline || signal?.aborted) {
        return job;
      }
      const jp = this.#live.get(id);
      const left = deadline - Date.now();
      let timer                                           ;
      const tick = new Promise((r) => (timer = setTimeout(r, jp ? left : Math.min(50, left))));
      const aborted = new Promise((r) => signal?.addEventListener("abort", r, { once: true }));
      await Promise.race(jp ? [jp.done, tick, aborted] : [tick, aborted]);
      clearTimeout(timer);
    }
  }

  /** Cancels every running ad-hoc job (used at shutdown). */
  async cancelAll()                {
    await Promise.all(
      [...this.#live.values()].map((jp) => jp.stop("cancelled", "hero_proc stopped")),
    );
  }
}
