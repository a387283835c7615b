/**
 * JSON Schemas of hero_proc's API, shared by every method as `#/components/schemas/<Name>`.
 * Service input is checked structurally here and fully by the model's validator, whose
 * messages are more helpful than a schema error.
 */
import { LOG_RECORD_SCHEMA } from "../logs/store/log_record.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `$ref` helper for method declarations. */
export { ref };

const command = {
  oneOf: [
    { type: "string", minLength: 1, description: "Run with /bin/sh -c" },
    { type: "array", items: { type: "string" }, minItems: 1, description: "argv" },
  ],
};

const action = {
  type: "object",
  description: "One action of a service.",
  properties: {
    exec: command,
    cwd: { type: "string" },
    env: { type: "object", additionalProperties: { type: "string" } },
    kind: { enum: ["process", "oneshot"], default: "process" },
    depends_on: {
      type: "array",
      items: { type: "string" },
      description: "`action` or `service.action`",
    },
    restart: {
      type: "object",
      properties: {
        policy: { enum: ["always", "on-failure", "never"] },
        delay_ms: { type: "integer", minimum: 0 },
        backoff: { type: "number", minimum: 1, maximum: 10 },
        max_delay_ms: { type: "integer", minimum: 0 },
        max_restarts: { type: "integer", minimum: 0, description: "0 = unlimited" },
        stability_ms: { type: "integer", minimum: 0 },
      },
    },
    health: {
      type: "object",
      description: "Exactly one of exec, tcp, http, socket.",
      properties: {
        exec: command,
        tcp: { oneOf: [{ type: "string" }, { type: "integer" }], description: "host:port or port" },
        http: { type: "string", description: "URL; 2xx/3xx is healthy" },
        socket: {
          type: "string",
          description: "Unix socket path or Hero service name (GET /health)",
        },
        interval_ms: { type: "integer" },
        timeout_ms: { type: "integer" },
        start_period_ms: { type: "integer" },
        retries: { type: "integer" },
      },
    },
    stop: {
      type: "object",
      properties: { signal: { type: "string" }, timeout_ms: { type: "integer", minimum: 0 } },
    },
    timeout_ms: { type: "integer", minimum: 0, description: "Oneshot time limit" },
    tty: { type: "boolean" },
    limits: {
      type: "object",
      description: "Resource limits applied through the action's cgroup",
      properties: {
        memory: {
          oneOf: [{ type: "string" }, { type: "integer" }],
          description: 'Memory, e.g. "256M"; killed (and reported) when exceeded',
        },
        cpu: {
          oneOf: [{ type: "string" }, { type: "number" }],
          description: 'Share of one CPU ("50%") or CPUs (1.5)',
        },
        pids: { type: "integer", minimum: 1, description: "Most processes and threads" },
      },
    },
  },
};

const processInfo = {
  type: "object",
  properties: { pid: { type: "integer" }, pgid: { type: "integer" }, comm: { type: "string" } },
};

const health = { enum: ["unknown", "healthy", "unhealthy"] };
const nullableInt = { type: ["integer", "null"] };

/** All component schemas. */
export const SCHEMAS: Record<string, unknown> = {
  ServiceInput: {
    type: "object",
    description:
      "A service definition: actions plus ordering. A top-level `exec` is shorthand for one action named `main`.",
    required: ["name"],
    properties: {
      name: { type: "string", description: "[a-z0-9_]+, not a name reserved by hero_router" },
      description: { type: "string" },
      autostart: { type: "boolean", default: true },
      after: { type: "array", items: { type: "string" } },
      requires: { type: "array", items: { type: "string" } },
      actions: { type: "object", additionalProperties: action },
      ...action.properties,
    },
  },
  ServiceSpec: { type: "object", description: "A validated, normalised service definition." },
  ActionStatus: {
    type: "object",
    properties: {
      name: { type: "string" },
      kind: { enum: ["process", "oneshot"] },
      state: {
        enum: [
          "stopped",
          "waiting_deps",
          "starting",
          "running",
          "backoff",
          "stopping",
          "succeeded",
          "failed",
          "exiting",
        ],
      },
      health,
      pid: nullableInt,
      pgid: nullableInt,
      uptime_ms: { type: "integer" },
      restarts: { type: "integer" },
      reason: { type: ["string", "null"] },
      job_id: nullableInt,
      cpu_percent: { type: "number" },
      memory_bytes: { type: "integer" },
      usage_source: {
        enum: ["cgroup", "proc"],
        description: "cgroup: CPU and memory from the cgroup's accounting",
      },
      cgroup: { type: ["string", "null"], description: "The running job's cgroup name" },
      processes: { type: "array", items: processInfo },
    },
  },
  ServiceStatus: {
    type: "object",
    properties: {
      name: { type: "string" },
      description: { type: "string" },
      source: { enum: ["rpc", "file"] },
      desired: { enum: ["up", "down"] },
      autostart: { type: "boolean" },
      state: {
        enum: ["stopped", "starting", "running", "restarting", "stopping", "succeeded", "failed"],
      },
      health,
      pid: nullableInt,
      uptime_ms: { type: "integer" },
      restarts: { type: "integer" },
      cpu_percent: { type: "number" },
      memory_bytes: { type: "integer" },
      actions: { type: "array", items: ref("ActionStatus") },
    },
  },
  Job: {
    type: "object",
    properties: {
      id: { type: "integer" },
      service: { type: "string", description: "Empty for ad-hoc jobs" },
      action: { type: "string" },
      command: { type: "array", items: { type: "string" } },
      cwd: { type: ["string", "null"] },
      state: {
        enum: [
          "pending",
          "waiting_deps",
          "starting",
          "running",
          "succeeded",
          "failed",
          "cancelled",
          "timed_out",
          "stopped",
        ],
      },
      health,
      pid: nullableInt,
      pgid: nullableInt,
      pid_start: nullableInt,
      attempt: { type: "integer" },
      exit_code: nullableInt,
      signal: { type: ["string", "null"] },
      reason: { type: ["string", "null"] },
      created_at: { type: "integer" },
      started_at: nullableInt,
      ended_at: nullableInt,
    },
  },
  LogRecord: LOG_RECORD_SCHEMA,
};
