/**
 * Turns untrusted service input (a TOML table or RPC params) into a {@link ServiceSpec}, or
 * throws a `VALIDATION_FAILED` error whose message names the service, the field and the fix.
 * Nothing is partially accepted: the caller only stores what this function returns.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { HeroError, serviceNameProblem } from "@hero/sdk";
import type {
  ActionKind,
  ActionSpec,
  HealthSpec,
  HealthType,
  RestartPolicy,
  RestartSpec,
  ServiceSpec,
  StopSpec,
} from "./spec.ts";
import { normalizeSignal } from "./signals.ts";
import { type Limits, parseCpu, parseSize } from "./limits.ts";

const ACTION_NAME = /^[a-z0-9_]+$/;
const HEALTH_TYPES: HealthType[] = ["exec", "tcp", "http", "socket"];
const POLICIES: RestartPolicy[] = ["always", "on-failure", "never"];
/** Fields of a service itself. */
const SERVICE_FIELDS = ["name", "description", "actions", "after", "requires", "autostart"];
/** Fields of an action. */
const ACTION_FIELDS = [
  "exec",
  "cwd",
  "env",
  "kind",
  "depends_on",
  "restart",
  "health",
  "stop",
  "timeout_ms",
  "tty",
  "limits",
];

/** Validates one service definition; `fallbackName` is used when the input has no `name`. */
export function validateService(input: unknown, fallbackName?: string): ServiceSpec {
  const raw = asTable(input, "service definition");
  const name = raw.name ?? fallbackName;
  const problem = serviceNameProblem(name);
  if (problem) fail(`Invalid service name ${JSON.stringify(name)}: ${problem}`);
  const svc = name as string;
  const where = (field: string) => `Invalid service "${svc}": ${field}`;
  // A service may carry one action's fields itself (the single-action shorthand).
  known(raw, [...SERVICE_FIELDS, ...ACTION_FIELDS], where(""));
  const actionsRaw: Record<string, unknown> = {};
  if (raw.exec !== undefined) {
    // Shorthand: a top-level exec defines a single action called "main".
    actionsRaw.main = Object.fromEntries(
      Object.entries(raw).filter(([k]) => !SERVICE_FIELDS.includes(k)),
    );
  }
  if (raw.actions !== undefined) {
    const table = asTable(raw.actions, where("actions"));
    for (const [k, v] of Object.entries(table)) {
      if (k in actionsRaw) fail(where(`action "${k}" is defined twice`));
      actionsRaw[k] = v;
    }
  }
  if (Object.keys(actionsRaw).length === 0) {
    fail(where("a service needs at least one action (add [actions.<name>] with an exec)"));
  }
  const actions = Object.entries(actionsRaw).map(([k, v]) => validateAction(svc, k, v));
  const after = serviceList(raw.after, where("after"));
  const requires = serviceList(raw.requires, where("requires"));
  for (const dep of [...after, ...requires]) {
    if (dep === svc) fail(where(`a service cannot depend on itself ("${dep}")`));
  }
  return {
    name: svc,
    description: optString(raw.description, where("description")) ?? "",
    actions,
    after,
    requires,
    autostart: optBool(raw.autostart, where("autostart")) ?? true,
  };
}

function validateAction(svc: string, name: string, input: unknown): ActionSpec {
  const where = (field: string) => `Invalid service "${svc}": action "${name}": ${field}`;
  if (!ACTION_NAME.test(name)) fail(where("an action name may only contain a-z, 0-9 and _"));
  const raw = asTable(input, where("definition"));
  known(raw, ACTION_FIELDS, where(""));
  const kind = (raw.kind ?? "process") as ActionKind;
  if (kind !== "process" && kind !== "oneshot") {
    fail(where(`kind must be "process" or "oneshot", not ${JSON.stringify(raw.kind)}`));
  }
  const depends = (raw.depends_on === undefined ? [] : raw.depends_on) as unknown;
  if (!Array.isArray(depends) || depends.some((d) => typeof d !== "string")) {
    fail(where('depends_on must be a list of action names ("other" or "service.action")'));
  }
  const depends_on = (depends as string[]).map((d) => {
    const full = d.includes(".") ? d : `${svc}.${d}`;
    if (!/^[a-z0-9_]+\.[a-z0-9_]+$/.test(full)) fail(where(`bad depends_on entry "${d}"`));
    if (full === `${svc}.${name}`) fail(where("an action cannot depend on itself"));
    return full;
  });
  return {
    name,
    exec: findable(command(raw.exec, where("exec")), raw.cwd, raw.env, where("exec")),
    cwd: optString(raw.cwd, where("cwd")),
    env: envTable(raw.env, where("env")),
    kind,
    depends_on,
    restart: restartSpec(raw.restart, kind, where("restart")),
    health: raw.health === undefined ? undefined : healthSpec(raw.health, where("health")),
    stop: stopSpec(raw.stop, where("stop")),
    timeout_ms: optMs(raw.timeout_ms, where("timeout_ms")) ?? 0,
    tty: optBool(raw.tty, where("tty")) ?? false,
    ...(raw.limits === undefined ? {} : { limits: limitsSpec(raw.limits, where("limits")) }),
  };
}

function limitsSpec(value: unknown, where: string): Limits {
  const raw = asTable(value, where);
  known(raw, ["memory", "cpu", "pids"], where);
  const out: Limits = {};
  if (raw.memory !== undefined) {
    out.memory_bytes = parseSize(raw.memory) ??
      fail(`${where}.memory must be a size such as "256M", "1G" or a number of bytes`);
    if (out.memory_bytes < 1024 * 1024) fail(`${where}.memory must be at least 1M`);
  }
  if (raw.cpu !== undefined) {
    out.cpu_percent = parseCpu(raw.cpu) ??
      fail(`${where}.cpu must be a share of one CPU such as "50%" or a number of CPUs such as 1.5`);
  }
  if (raw.pids !== undefined) {
    if (typeof raw.pids !== "number" || !Number.isInteger(raw.pids) || raw.pids < 1) {
      fail(`${where}.pids must be a whole number >= 1`);
    }
    out.pids = raw.pids as number;
  }
  return out;
}

/** Validates a command: a non-empty argv array, or a string run with `/bin/sh -c`. */
export function command(value: unknown, where: string): string[] {
  if (typeof value === "string") {
    if (!value.trim()) fail(`${where}: the command is empty`);
    return ["/bin/sh", "-c", value];
  }
  if (
    !Array.isArray(value) || value.length === 0 || value.some((a) => typeof a !== "string") ||
    !(value[0] as string).trim()
  ) {
    fail(`${where}: give a command string or a non-empty list of strings (argv)`);
  }
  if ((value as string[]).some((a) => a.includes("\0"))) fail(`${where}: contains a NUL byte`);
  return value as string[];
}

/** Checks that the program of an argv exists and is executable (PATH searched as the child would). */
function findable(argv: string[], cwd: unknown, env: unknown, where: string): string[] {
  const prog = argv[0];
  const envPath = (env as Record<string, unknown> | undefined)?.PATH;
  const dirs = prog.includes("/")
    ? [typeof cwd === "string" && !prog.startsWith("/") ? cwd : ""]
    : String(typeof envPath === "string" ? envPath : process.env.PATH ?? "").split(":").filter(
      Boolean,
    );
  for (const dir of dirs) {
    try {
      fs.accessSync(dir ? path.resolve(dir, prog) : prog, fs.constants.X_OK);
      if (!fs.statSync(dir ? path.resolve(dir, prog) : prog).isDirectory()) return argv;
    } catch { /* try the next */ }
  }
  fail(
    `${where}: command not found or not executable: "${prog}"${
      prog.includes("/") ? "" : " (searched PATH)"
    }`,
  );
}

function restartSpec(value: unknown, kind: ActionKind, where: string): RestartSpec {
  const raw = value === undefined ? {} : asTable(value, where);
  known(raw, [
    "policy",
    "delay_ms",
    "backoff",
    "max_delay_ms",
    "max_restarts",
    "stability_ms",
  ], where);
  const policy = (raw.policy ?? (kind === "process" ? "always" : "never")) as RestartPolicy;
  if (!POLICIES.includes(policy)) {
    fail(`${where}: policy must be one of ${POLICIES.join(", ")}, not ${JSON.stringify(policy)}`);
  }
  const delay_ms = optMs(raw.delay_ms, `${where}.delay_ms`) ?? 1000;
  const max_delay_ms = optMs(raw.max_delay_ms, `${where}.max_delay_ms`) ?? 30_000;
  if (max_delay_ms < delay_ms) fail(`${where}: max_delay_ms must be >= delay_ms`);
  const backoff = raw.backoff ?? 2;
  if (typeof backoff !== "number" || !(backoff >= 1 && backoff <= 10)) {
    fail(`${where}.backoff must be a number between 1 and 10`);
  }
  return {
    policy,
    delay_ms,
    backoff: backoff as number,
    max_delay_ms,
    max_restarts: optMs(raw.max_restarts, `${where}.max_restarts`) ?? 10,
    stability_ms: optMs(raw.stability_ms, `${where}.stability_ms`) ?? 10_000,
  };
}

function healthSpec(value: unknown, where: string): HealthSpec {
  const raw = asTable(value, where);
  known(raw, [...HEALTH_TYPES, "interval_ms", "timeout_ms", "start_period_ms", "retries"], where);
  const types = HEALTH_TYPES.filter((t) => raw[t] !== undefined);
  if (types.length !== 1) fail(`${where}: give exactly one of ${HEALTH_TYPES.join(", ")}`);
  const type = types[0];
  const v = raw[type];
  let target: string[];
  if (type === "exec") target = command(v, `${where}.exec`);
  else if (type === "tcp") {
    const m = typeof v === "string" ? /^(.*):(\d+)$/.exec(v) : null;
    const port = m ? Number(m[2]) : typeof v === "number" ? v : NaN;
    if (!(port > 0 && port < 65536)) fail(`${where}.tcp must be "host:port" or a port number`);
    target = [m?.[1] || "127.0.0.1", String(port)];
  } else if (type === "http") {
    if (typeof v !== "string" || !/^https?:\/\/.+/.test(v)) {
      fail(`${where}.http must be a URL like "http://127.0.0.1:8080/health"`);
    }
    target = [v as string];
  } else {
    if (typeof v !== "string" || !v) {
      fail(`${where}.socket must be a socket path or a Hero service name`);
    }
    target = [v as string];
  }
  const retries = optMs(raw.retries, `${where}.retries`) ?? 3;
  return {
    type,
    target,
    interval_ms: Math.max(50, optMs(raw.interval_ms, `${where}.interval_ms`) ?? 5000),
    timeout_ms: Math.max(10, optMs(raw.timeout_ms, `${where}.timeout_ms`) ?? 2000),
    start_period_ms: optMs(raw.start_period_ms, `${where}.start_period_ms`) ?? 0,
    retries: Math.max(1, retries),
  };
}

function stopSpec(value: unknown, where: string): StopSpec {
  const raw = value === undefined ? {} : asTable(value, where);
  known(raw, ["signal", "timeout_ms"], where);
  const signal = raw.signal === undefined ? "SIGTERM" : normalizeSignal(raw.signal);
  if (!signal) fail(`${where}.signal: unknown signal ${JSON.stringify(raw.signal)}`);
  return {
    signal: signal as string,
    timeout_ms: optMs(raw.timeout_ms, `${where}.timeout_ms`) ?? 10_000,
  };
}

function envTable(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  const raw = asTable(value, where);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`${where}: bad variable name "${k}"`);
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      fail(`${where}.${k} must be a string`);
    }
    env[k] = String(v);
  }
  return env;
}

function serviceList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${where} must be a list of service names`);
  for (const v of value as unknown[]) {
    const problem = serviceNameProblem(v);
    if (problem) fail(`${where}: ${JSON.stringify(v)}: ${problem}`);
  }
  return [...new Set(value as string[])];
}

function asTable(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(`${where} must be a table (an object)`);
  }
  return value as Record<string, unknown>;
}

function known(raw: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(raw)) {
    if (!keys.includes(k)) {
      fail(`${where.replace(/: $/, "")}: unknown field "${k}" (known: ${keys.join(", ")})`);
    }
  }
}

function optString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(`${where} must be a string`);
  return value as string;
}

function optBool(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") fail(`${where} must be true or false`);
  return value as boolean;
}

function optMs(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 2 ** 31) {
    fail(`${where} must be a whole number >= 0`);
  }
  return value as number;
}

function fail(message: string): never {
  throw new HeroError("VALIDATION_FAILED", message);
}
