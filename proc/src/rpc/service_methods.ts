/** The `service.*` and `action.*` methods: define, inspect, start, stop, restart, signal services. */
import { defineMethod, type MethodSpec } from "@hero/sdk";
import type { ServiceSpec } from "../model/spec.ts";
import { normalizeSignal } from "../model/signals.ts";
import { serviceStatus } from "../supervisor/service_status.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { ERRORS, mapErrors } from "../errors/proc_errors.ts";
import { ref } from "./schemas.ts";
import { HeroError } from "@hero/sdk";

const name = { name: "name", required: true, schema: { type: "string" }, summary: "Service name" };
const waitParams = [
  {
    name: "wait",
    schema: { type: "boolean", default: false },
    summary: "Wait until ready (healthy/succeeded)",
  },
  {
    name: "timeout_ms",
    schema: { type: "integer", minimum: 0, default: 30000 },
    summary: "How long to wait",
  },
];
const statusResult = { name: "status", schema: ref("ServiceStatus") };
const example = {
  name: "web",
  actions: {
    server: {
      exec: ["node", "server.js"],
      health: { http: "http://127.0.0.1:8080/health" },
      restart: { policy: "always", delay_ms: 500 },
    },
  },
};

/** The service methods bound to a supervisor. */
// deno-lint-ignore no-explicit-any
export function serviceMethods(sup: () => Supervisor): MethodSpec<any, any>[] {
  const waitIfAsked = async (n: string, p: { wait?: boolean; timeout_ms?: number }) => {
    if (p.wait) {
      const outcome = await sup().waitReady(n, p.timeout_ms ?? 30_000);
      if (outcome !== "ready") {
        const st = await serviceStatus(sup(), n);
        const why = st.actions.find((a) => a.reason)?.reason ?? outcome;
        throw new HeroError(
          outcome === "failed" ? "START_FAILED" : "TIMEOUT",
          `Service "${n}" did not become ready: ${
            outcome === "timeout" ? `timed out; ${why}` : why
          }`,
          { details: { status: st } },
        );
      }
    }
    return serviceStatus(sup(), n);
  };
  return [
    defineMethod<{ service: unknown }, { created: boolean; service: ServiceSpec }>({
      name: "service.set",
      summary: "Add or replace a service definition",
      description:
        "Validates the definition against all others (names, commands, signals, unknown dependencies, cycles). A new service with autostart starts at once; a running service whose definition changed is restarted. Invalid input changes nothing.",
      params: [{ name: "service", required: true, schema: ref("ServiceInput") }],
      result: {
        name: "result",
        schema: {
          type: "object",
          properties: { created: { type: "boolean" }, service: ref("ServiceSpec") },
        },
      },
      errors: [ERRORS.invalid, ERRORS.serviceFromFile, ERRORS.shuttingDown],
      examples: [{
        name: "web service",
        params: [{ name: "service", value: example }],
        result: { name: "result", value: { created: true, service: { name: "web" } } },
      }],
      handler: mapErrors(async (p) => {
        const r = await sup().setService(p.service, "rpc");
        return { created: r.created, service: r.spec };
      }),
    }),
    defineMethod<{ name: string }, unknown>({
      name: "service.get",
      summary: "The stored definition of a service",
      params: [name],
      result: {
        name: "service",
        schema: {
          type: "object",
          properties: { spec: ref("ServiceSpec"), source: { enum: ["rpc", "file"] } },
        },
      },
      errors: [ERRORS.serviceNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors((p) => {
        const e = sup().service(p.name);
        return { spec: e.spec, source: e.source };
      }),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "service.list",
      summary:
        "Every service with its observed state, pid, uptime, restarts, health, CPU and memory",
      params: [],
      result: { name: "services", schema: { type: "array", items: ref("ServiceStatus") } },
      annotations: { readOnlyHint: true },
      handler: mapErrors(() =>
        Promise.all(sup().services().map((s) => serviceStatus(sup(), s.spec.name)))
      ),
    }),
    defineMethod<{ name: string }, unknown>({
      name: "service.status",
      summary: "The observed state of one service and its actions, checked against /proc",
      params: [name],
      result: statusResult,
      errors: [ERRORS.serviceNotFound],
      annotations: { readOnlyHint: true },
      examples: [{
        name: "status of web",
        params: [{ name: "name", value: "web" }],
        result: {
          name: "status",
          value: { name: "web", state: "running", health: "healthy", pid: 4242 },
        },
      }],
      handler: mapErrors((p) => serviceStatus(sup(), p.name)),
    }),
    defineMethod<{ name: string }, null>({
      name: "service.remove",
      summary: "Stop a service and delete its definition (its job history stays)",
      params: [name],
      result: { name: "result", schema: { type: "null" } },
      errors: [ERRORS.serviceNotFound, ERRORS.serviceInUse, ERRORS.serviceFromFile],
      annotations: { destructiveHint: true },
      handler: mapErrors(async (p) => {
        if (sup().service(p.name).source === "file") {
          throw new HeroError(
            "SERVICE_FROM_FILE",
            `Cannot remove "${p.name}": it is defined in a TOML file; delete the file and reload`,
          );
        }
        await sup().removeService(p.name);
        return null;
      }),
    }),
    defineMethod<{ name: string; wait?: boolean; timeout_ms?: number }, unknown>({
      name: "service.start",
      summary: "Start a service and the services it requires",
      description:
        "Actions start in dependency order. With wait, returns once every action is ready, or fails with the reason.",
      params: [name, ...waitParams],
      result: statusResult,
      errors: [ERRORS.serviceNotFound, {
        code: -32603,
        message: "Did not become ready (data.status explains)",
      }],
      handler: mapErrors((p) => {
        sup().startService(p.name);
        return waitIfAsked(p.name, p);
      }),
    }),
    defineMethod<{ name: string }, unknown>({
      name: "service.stop",
      summary:
        "Stop a service (services that require it stop first); returns when every process is gone",
      params: [name],
      result: statusResult,
      errors: [ERRORS.serviceNotFound],
      handler: mapErrors(async (p) => {
        await sup().stopService(p.name);
        return serviceStatus(sup(), p.name);
      }),
    }),
    defineMethod<{ name: string; wait?: boolean; timeout_ms?: number }, unknown>({
      name: "service.restart",
      summary: "Stop then start a service",
      params: [name, ...waitParams],
      result: statusResult,
      errors: [ERRORS.serviceNotFound],
      handler: mapErrors(async (p) => {
        await sup().restartService(p.name);
        return waitIfAsked(p.name, p);
      }),
    }),
    defineMethod<{ name: string; signal?: string; action?: string }, { signalled: number }>({
      name: "service.kill",
      summary: "Send a signal to the process groups of a service's running actions",
      params: [
        name,
        { name: "signal", schema: { type: "string", default: "SIGTERM" } },
        { name: "action", schema: { type: "string" }, summary: "Only this action" },
      ],
      result: {
        name: "result",
        schema: { type: "object", properties: { signalled: { type: "integer" } } },
      },
      errors: [ERRORS.serviceNotFound, ERRORS.invalid, ERRORS.actionNotFound],
      annotations: { destructiveHint: true },
      handler: mapErrors((p) => {
        const signal = normalizeSignal(p.signal ?? "SIGTERM");
        if (!signal) throw new HeroError("INVALID_PARAMS", `Unknown signal "${p.signal}"`);
        return { signalled: sup().kill(p.name, signal, p.action) };
      }),
    }),
    defineMethod<{ name: string }, unknown>({
      name: "action.list",
      summary: "The actions of a service with their observed state",
      params: [name],
      result: { name: "actions", schema: { type: "array", items: ref("ActionStatus") } },
      errors: [ERRORS.serviceNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors(async (p) => (await serviceStatus(sup(), p.name)).actions),
    }),
    ...(["start", "stop", "restart"] as const).map((verb) =>
      defineMethod<{ name: string; action: string }, unknown>({
        name: `action.${verb}`,
        summary: verb === "start"
          ? "Start one action and the actions it depends on"
          : verb === "stop"
          ? "Stop one action after the actions that depend on it; returns when its processes are gone"
          : "Stop then start one action",
        params: [name, { name: "action", required: true, schema: { type: "string" } }],
        result: { name: "actions", schema: { type: "array", items: ref("ActionStatus") } },
        errors: [ERRORS.serviceNotFound, ERRORS.actionNotFound],
        handler: mapErrors(async (p) => {
          if (verb !== "start") await sup().stopAction(p.name, p.action);
          if (verb !== "stop") sup().startAction(p.name, p.action);
          return (await serviceStatus(sup(), p.name)).actions;
        }),
      })
    ),
    defineMethod<{ name: string; action?: string; after_id?: number; limit?: number }, unknown>({
      name: "service.logs",
      summary: "Captured output lines of a service (or one action), oldest first",
      description:
        "Without after_id: the last `limit` lines. With after_id: the lines after it (follow by passing the last id).",
      params: [
        name,
        { name: "action", schema: { type: "string" } },
        { name: "after_id", schema: { type: "integer", minimum: 0 } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 10000, default: 100 } },
      ],
      result: { name: "lines", schema: { type: "array", items: ref("LogRecord") } },
      errors: [ERRORS.serviceNotFound],
      annotations: { readOnlyHint: true },
      handler: mapErrors((p) => {
        sup().service(p.name);
        return sup().ctx.sink.query({
          source: p.action ? `${p.name}.${p.action}` : p.name,
          afterId: p.after_id,
          limit: p.limit,
        });
      }),
    }),
  ];
}
