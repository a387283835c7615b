/** The `system.*` methods: what this hero_proc is, reload the TOML directory, shut down. */
import { defineMethod, HeroError, type MethodSpec } from "@hero/sdk";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { ERRORS, mapErrors } from "../errors/proc_errors.ts";

/** What the daemon tells about itself. */
export interface SystemHooks {
  sup: () => Supervisor;
  paths: { state_dir: string; config_dir: string; socket: string };
  version: string;
  startedAt: number;
  /** Begins a graceful shutdown; resolves once every job is over, with the SIGKILL survivors. */
  shutdown: () => Promise<{ survivors: number[] }>;
  /** Lets go of every service (they keep running) and hands over to a new daemon. */
  upgrade?: () => void;
}

/** A TOML file left out of a load, and why (see config/toml_loader.ts). */
const FILE_ERROR = {
  type: "object",
  properties: { file: { type: "string" }, name: { type: "string" }, error: { type: "string" } },
};

/** The system methods. */
// deno-lint-ignore no-explicit-any
export function systemMethods(hooks: SystemHooks): MethodSpec<any, any>[] {
  return [
    defineMethod<Record<string, never>, unknown>({
      name: "system.info",
      summary: "Version, pid, uptime, paths, counts and what crash recovery did at start",
      params: [],
      result: {
        name: "info",
        schema: {
          type: "object",
          properties: {
            version: { type: "string" },
            pid: { type: "integer" },
            uptime_s: { type: "number" },
            state_dir: { type: "string" },
            config_dir: { type: "string" },
            socket: { type: "string" },
            instance_id: { type: "string" },
            services: { type: "integer" },
            running_actions: { type: "integer" },
            log_lines_dropped: { type: "integer" },
            config_errors: {
              type: "array",
              description: "The TOML files left out at the last load (start or reload), and why",
              items: FILE_ERROR,
            },
            recovery: {
              type: "object",
              properties: {
                mode: {
                  enum: ["adopt", "stop-and-restart"],
                  description:
                    "adopt: actions under hero_shim kept running; stop-and-restart: no shim",
                },
                adopted_jobs: { type: "array", items: { type: "integer" } },
                closed_jobs: { type: "array", items: { type: "integer" } },
                stopped_pids: { type: "array", items: { type: "integer" } },
                stop_ms: { type: "integer", description: "Time spent stopping leftovers" },
              },
            },
            shim: {
              type: "object",
              description: "The hero_shim binary that holds each job (null: none, and why)",
              properties: {
                path: { type: ["string", "null"] },
                problem: { type: ["string", "null"] },
              },
            },
            containment: {
              type: "object",
              description: "How jobs are contained: cgroups, or process groups and job tags",
              properties: {
                mode: { enum: ["cgroup", "process-group"] },
                v2: { type: ["string", "null"] },
                v1: { type: "object", additionalProperties: { type: "string" } },
                limits: { type: "array", items: { enum: ["memory", "cpu", "pids"] } },
                notes: { type: "array", items: { type: "string" } },
              },
            },
          },
        },
      },
      annotations: { readOnlyHint: true },
      handler: mapErrors(() => {
        const sup = hooks.sup();
        const services = sup.services();
        return {
          version: hooks.version,
          pid: process.pid,
          uptime_s: Math.round((Date.now() - hooks.startedAt) / 100) / 10,
          ...hooks.paths,
          instance_id: sup.store.instanceId,
          services: services.length,
          running_actions: services.flatMap((s) =>
            sup.runners(s.spec.name)
          ).filter((r) => r.state === "running").length,
          log_lines_dropped: sup.ctx.sink.dropped,
          config_errors: sup.configErrors,
          code: import.meta.url.endsWith(".ts") ? "source" : "dist",
          memory: (({ rss, heapTotal, heapUsed, external }) => ({
            rss_bytes: rss,
            heap_total_bytes: heapTotal,
            heap_used_bytes: heapUsed,
            external_bytes: external,
          }))(process.memoryUsage()),
          recovery: {
            mode: sup.shim.path ? "adopt" : "stop-and-restart",
            adopted_jobs: sup.recovery.adopted.map((j) => j.id),
            closed_jobs: sup.recovery.closedJobs,
            stopped_pids: sup.recovery.stoppedPids,
            stop_ms: sup.recovery.stopMs,
          },
          containment: sup.containment,
          shim: sup.shim,
        };
      }),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "system.reload",
      summary:
        "Re-read the TOML service directory: add, update (restart if running) and remove file services",
      description:
        "Each file loads or fails on its own: bad files are listed in errors (a service whose file turned bad keeps its last good definition) and the good ones are applied.",
      params: [],
      result: {
        name: "changes",
        schema: {
          type: "object",
          properties: {
            added: { type: "array", items: { type: "string" } },
            updated: { type: "array", items: { type: "string" } },
            removed: { type: "array", items: { type: "string" } },
            errors: {
              type: "array",
              items: FILE_ERROR,
            },
          },
        },
      },
      errors: [ERRORS.invalid],
      handler: mapErrors(() => hooks.sup().reload()),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "system.upgrade",
      summary:
        "Hand over to a newly built daemon without restarting a single service (daemon-reexec)",
      description:
        "The daemon lets go of every action (they keep running under hero_shim, output kept in " +
        "their files), closes its socket and store, and starts a new daemon from the current " +
        "build, which adopts them. Ad-hoc jobs are stopped. The answer comes before the hand-over.",
      params: [],
      result: {
        name: "result",
        schema: {
          type: "object",
          properties: { upgrading: { type: "boolean" }, pid: { type: "integer" } },
        },
      },
      errors: [ERRORS.invalid],
      annotations: { destructiveHint: true },
      handler: mapErrors(() => {
        if (!hooks.upgrade) throw new Error("This hero_proc cannot upgrade in place");
        const sup = hooks.sup();
        if (!sup.shim.path) {
          throw new HeroError(
            "INVALID_PARAMS",
            `Cannot upgrade without restarting services: no hero_shim (${sup.shim.problem})`,
          );
        }
        setTimeout(() => hooks.upgrade!(), 20);
        return { upgrading: true, pid: process.pid };
      }),
    }),
    defineMethod<{ wait?: boolean }, unknown>({
      name: "system.shutdown",
      summary:
        "Stop every service (dependents first) and exit; wanted states are kept for the next start",
      description:
        "With wait, the answer comes once every job is over (before the socket closes) and says " +
        "whether everything stopped; a caller that loses the connection first knows it did not.",
      params: [{
        name: "wait",
        schema: { type: "boolean", default: false },
        summary: "Answer only after every service has stopped",
      }],
      result: {
        name: "result",
        schema: {
          type: "object",
          properties: {
            stopping: { type: "boolean" },
            stopped: { type: "boolean", description: "wait: every process is gone" },
            survivors: {
              type: "array",
              items: { type: "integer" },
              description: "wait: pids still alive after SIGKILL",
            },
          },
        },
      },
      annotations: { destructiveHint: true },
      handler: mapErrors(async (p) => {
        if (!p.wait) {
          setTimeout(() => void hooks.shutdown(), 20);
          return { stopping: true };
        }
        const { survivors } = await hooks.shutdown();
        return { stopping: true, stopped: survivors.length === 0, survivors };
      }),
    }),
  ];
}
