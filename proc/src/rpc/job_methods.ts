/** The `job.*` methods: run ad-hoc commands as tracked jobs, list, inspect, wait, cancel, read output. */
import { defineMethod, type MethodSpec } from "@hero/sdk";
import type { JobState } from "../model/spec.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { ERRORS, mapErrors } from "../errors/proc_errors.ts";
import { ref } from "./schemas.ts";

const id = { name: "id", required: true, schema: { type: "integer", minimum: 1 } };
const job = { name: "job", schema: ref("Job") };

/** The job methods bound to a supervisor. */
// deno-lint-ignore no-explicit-any
export function jobMethods(sup: () => Supervisor): MethodSpec<any, any>[] {
  return [
    defineMethod<
      {
        command: string | string[];
        env?: Record<string, string>;
        cwd?: string;
        timeout_ms?: number;
        wait?: boolean;
      },
      unknown
    >({
      name: "job.run",
      summary: "Run a command as a tracked job (own process group, captured output, time limit)",
      params: [
        {
          name: "command",
          required: true,
          schema: {
            oneOf: [{ type: "string", minLength: 1 }, {
              type: "array",
              items: { type: "string" },
              minItems: 1,
            }],
          },
          summary: "A string (run with /bin/sh -c) or an argv array",
        },
        { name: "env", schema: { type: "object", additionalProperties: { type: "string" } } },
        { name: "cwd", schema: { type: "string" } },
        { name: "timeout_ms", schema: { type: "integer", minimum: 0 }, summary: "0 = no limit" },
        {
          name: "wait",
          schema: { type: "boolean", default: false },
          summary: "Return only when the job is over",
        },
      ],
      result: job,
      errors: [ERRORS.invalid, ERRORS.shuttingDown],
      examples: [{
        name: "echo",
        params: [{ name: "command", value: "echo hi" }, { name: "wait", value: true }],
        result: { name: "job", value: { id: 7, state: "succeeded", exit_code: 0 } },
      }],
      handler: mapErrors(async (p, ctx) => {
        const j = await sup().jobs.run(p);
        return p.wait ? sup().jobs.wait(j.id, 24 * 3600_000, ctx.signal) : j;
      }),
    }),
    defineMethod<{ service?: string; state?: JobState; adhoc?: boolean; limit?: number }, unknown>({
      name: "job.list",
      summary: "Jobs, newest first",
      params: [
        { name: "service", schema: { type: "string" } },
        { name: "state", schema: { type: "string" } },
        { name: "adhoc", schema: { type: "boolean" }, summary: "Only ad-hoc jobs" },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 10000, default: 100 } },
      ],
      result: { name: "jobs", schema: { type: "array", items: ref("Job") } },
      annotations: { readOnlyHint: true },
      handler: mapErrors((p) => sup().store.listJobs(p)),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "job.stats",
      summary: "How many jobs ended in each final state, per service and action",
      description: "Ad-hoc jobs have an empty service and action. Counts cover the jobs kept in " +
        "the state database (what Prometheus reads as hero_proc_jobs_total).",
      params: [],
      result: {
        name: "outcomes",
        schema: {
          type: "array",
          items: {
            type: "object",
            properties: {
              service: { type: "string" },
              action: { type: "string" },
              state: { type: "string" },
              count: { type: "integer" },
            },
          },
        },
      },
      annotations: { readOnlyHint: true },
      handler: mapErrors(() => sup().store.jobOutcomes()),
    }),
    defineMethod<{ id: number }, unknown>({
      name: "job.get",
      summary: "One job",
      params: [id],
      result: job,
      errors: [ERRORS.jobNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors((p) => sup().jobs.get(p.id)),
    }),
    defineMethod<{ id: number; timeout_ms?: number }, unknown>({
      name: "job.wait",
      summary: "Wait until a job is over (or the timeout passes) and return it",
      params: [id, { name: "timeout_ms", schema: { type: "integer", minimum: 0, default: 30000 } }],
      result: job,
      errors: [ERRORS.jobNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors((p, ctx) => sup().jobs.wait(p.id, p.timeout_ms ?? 30_000, ctx.signal)),
    }),
    defineMethod<{ id: number }, unknown>({
      name: "job.cancel",
      summary: "Cancel an ad-hoc job: stop its whole process group; returns the final job",
      params: [id],
      result: job,
      errors: [ERRORS.jobNotFound, ERRORS.jobNotCancellable],
      annotations: { destructiveHint: true },
      handler: mapErrors((p) => sup().jobs.cancel(p.id)),
    }),
    defineMethod<{ id: number; after_id?: number; limit?: number }, unknown>({
      name: "job.logs",
      summary: "Captured output lines of one job, oldest first",
      params: [
        id,
        { name: "after_id", schema: { type: "integer", minimum: 0 } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 10000, default: 100 } },
      ],
      result: { name: "lines", schema: { type: "array", items: ref("LogRecord") } },
      errors: [ERRORS.jobNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors((p) => {
        sup().jobs.get(p.id);
        return sup().ctx.sink.query({ jobId: p.id, afterId: p.after_id, limit: p.limit });
      }),
    }),
  ];
}
