/**
 * Commands that act on services: `list`, `status NAME`, `add`, `start|stop|restart NAME...`,
 * `remove NAME`. Messages use the CLI's words; starting waits for readiness and fails fast.
 */
import type { LogRecord } from "@hero/sdk";
import type { ProcPaths } from "../daemon/paths.ts";
import type { ServiceStatus } from "../supervisor/service_status.ts";
import { callDaemon, CliError } from "./client.ts";
import { print } from "./daemon_commands.ts";
import { bytes, color, duration, stateColor, table } from "./format.ts";
import { formatRecord } from "./logs_command.ts";
import { startAndWait } from "./start_wait.ts";

/** A TOML file in the config directory that could not be loaded. */
export interface BrokenFile {
  file: string;
  name: string;
  error: string;
}

/** `hero_proc list`: one row per service, like `pm2 list`, then the broken TOML files. */
export async function listCommand(paths: ProcPaths, json: boolean): Promise<void> {
  const list = await callDaemon<ServiceStatus[]>(paths, "service.list");
  const info = await callDaemon<{ config_errors?: BrokenFile[] }>(paths, "system.info");
  const broken = info.config_errors ?? [];
  const missing = broken.filter((b) => !list.some((s) => s.name === b.name));
  if (json) {
    const rows = missing.map((b) => ({
      name: b.name,
      state: "broken",
      file: b.file,
      error: b.error,
    }));
    return print(true, [...list, ...rows], "");
  }
  if (!list.length && !broken.length) {
    return console.log("No services. Add one with: hero_proc add NAME -- CMD");
  }
  console.log(table(
    ["name", "state", "pid", "uptime", "restarts", "health", "cpu", "memory"],
    [
      ...list.map((s) => [
        color.cyan(s.name),
        stateColor(s.state),
        s.pid ? String(s.pid) : "-",
        duration(s.uptime_ms),
        String(s.restarts),
        stateColor(s.health),
        s.pid ? `${s.cpu_percent}%` : "-",
        bytes(s.memory_bytes),
      ]),
      ...missing.map((
        b,
      ) => [color.cyan(b.name), color.red("broken"), "-", "-", "-", "-", "-", "-"]),
    ],
  ));
  if (broken.length) console.log(`\nnot loaded (fix the file, then: hero_proc reload):`);
  for (const b of broken) console.log(`  ${b.error}`);
}

/** `hero_proc status NAME`: each action, its processes and the last lines (older jobs marked). */
export async function statusCommand(paths: ProcPaths, name: string, json: boolean): Promise<void> {
  const s = await callDaemon<ServiceStatus>(paths, "service.status", { name });
  const page = await callDaemon<{ lines: LogRecord[] }>(paths, "logs.query", {
    source: name,
    limit: 15,
  });
  const current = new Set(s.actions.map((a) => a.job_id).filter((id) => id !== null));
  const lines = page.lines.reverse().map((l) => ({
    ...l,
    previous: l.job_id !== null && !current.has(l.job_id),
  }));
  if (json) return print(true, { ...s, last_lines: lines }, "");
  console.log(
    `${color.bold(s.name)}  ${stateColor(s.state)}  health ${
      stateColor(s.health)
    }  (${s.source}, wanted ${s.desired})`,
  );
  if (s.description) console.log(color.dim(s.description));
  console.log(table(
    ["action", "kind", "state", "health", "pid", "uptime", "restarts", "cpu", "memory", "job"],
    s.actions.map((a) => [
      a.name,
      a.kind,
      stateColor(a.state),
      stateColor(a.health),
      a.pid ? String(a.pid) : "-",
      duration(a.uptime_ms),
      String(a.restarts),
      a.pid ? `${a.cpu_percent}%` : "-",
      bytes(a.memory_bytes),
      a.job_id ? String(a.job_id) : "-",
    ]),
  ));
  for (const a of s.actions) if (a.reason) console.log(`${a.name}: ${a.reason}`);
  const procs = s.actions.flatMap((a) =>
    a.processes.map((p) => `${a.name}: ${p.pid} (${p.comm}, group ${p.pgid})`)
  );
  if (procs.length) console.log(`\nprocesses:\n  ${procs.join("\n  ")}`);
  if (lines.length) {
    console.log(`\nlast lines (job ${[...current].join(", ") || "-"} is the current instance):`);
    for (const l of lines) {
      const mark = l.previous ? color.dim(`[previous instance, job ${l.job_id}] `) : "";
      console.log(mark + formatRecord(l));
    }
  }
}

/** `hero_proc start NAME...`: starts each and waits until it is ready (or says why not). */
export async function startServices(
  paths: ProcPaths,
  names: string[],
  json: boolean,
  timeoutMs?: number,
): Promise<void> {
  const call = <R>(m: string, p?: Record<string, unknown>) => callDaemon<R>(paths, m, p);
  const out: ServiceStatus[] = [];
  for (const name of names) {
    const s = await startAndWait(call, name, { timeoutMs });
    out.push(s);
    if (!json) console.log(describe(s));
  }
  if (json) print(true, out, "");
}

/** `hero_proc stop|restart NAME...`. */
export async function serviceVerb(
  paths: ProcPaths,
  verb: "stop" | "restart",
  names: string[],
  json: boolean,
): Promise<void> {
  const out: ServiceStatus[] = [];
  for (const name of names) {
    if (verb === "restart") {
      await callDaemon(paths, "service.status", { name }); // unknown names fail before stopping
      await callDaemon(paths, "service.stop", { name }, 120_000);
      await startServices(paths, [name], json);
      continue;
    }
    const s = await callDaemon<ServiceStatus>(paths, "service.stop", { name }, 120_000);
    out.push(s);
    if (!json) console.log(describe(s));
  }
  if (json && verb === "stop") print(true, out, "");
}

/** `hero_proc remove NAME`. */
export async function removeService(paths: ProcPaths, name: string, json: boolean) {
  await callDaemon(paths, "service.remove", { name }, 120_000);
  print(json, { removed: name }, `Removed service "${name}" (its processes are stopped)`);
}

/** The names of every service (for `--all`). */
export async function allServiceNames(paths: ProcPaths): Promise<string[]> {
  const list = await callDaemon<ServiceStatus[]>(paths, "service.list");
  if (!list.length) throw new CliError("There are no services", 1);
  return list.map((s) => s.name);
}

function describe(s: ServiceStatus): string {
  return `${s.name}: ${stateColor(s.state)}${s.pid ? ` (pid ${s.pid})` : ""}`;
}
