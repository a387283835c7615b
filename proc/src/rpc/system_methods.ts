/** The `system.*` methods: what this hero_proc is, reload the TOML directory, shut down. */
import { defineMethod, type MethodSpec } from "@hero/sdk";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { ERRORS, mapErrors } from "./proc_errors.ts";

/** What the daemon tells about itself. */
export interface SystemHooks {
  sup: () => Supervisor;
  paths: { state_dir: string; config_dir: string; socket: string };
  version: string;
  startedAt: number;
  /** Begins a graceful shutdown after the reply is sent. */
  shutdown: () => void;
}

/** A TOML file left out of a load, and why (see model/toml_loader.ts). */
const FILE_ERROR = {
  type: "object",
  properties: { file: { type: "string" }, name: { type: "string" }, error: { type: "string" } },
};

/** The system methods. */
// deno-lint-ignore no-explicit-any
export function systemMethods(h: SystemHooks): MethodSpec<any, any>[] {
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
                mode: { const: "stop-and-restart" },
                closed_jobs: { type: "array", items: { type: "integer" } },
                stopped_pids: { type: "array", items: { type: "integer" } },
              },
            },
          },
        },
      },
      annotations: { readOnlyHint: true },
      handler: mapErrors(() => {
        const sup = h.sup();
        const services = sup.services();
        return {
          version: h.version,
          pid: process.pid,
          uptime_s: Math.round((Date.now() - h.startedAt) / 100) / 10,
          ...h.paths,
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
            mode: "stop-and-restart",
            closed_jobs: sup.recovery.closedJobs,
            stopped_pids: sup.recovery.stoppedPids,
          },
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
      handler: mapErrors(() => h.sup().reload()),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "system.shutdown",
      summary:
        "Stop every service (dependents first) and exit; wanted states are kept for the next start",
      params: [],
      result: {
        name: "result",
        schema: { type: "object", properties: { stopping: { type: "boolean" } } },
      },
      annotations: { destructiveHint: true },
      handler: mapErrors(() => {
        setTimeout(h.shutdown, 20);
        return { stopping: true };
      }),
    }),
  ];
}
