/**
 * `hero_proc add NAME -- CMD` (also `service add`, and `start NAME -- CMD`): a service that runs
 * where the caller stands — the caller's working directory and the environment variables named
 * with `--env` (PM2's `--env`) or read from `--env-file` (systemd's `EnvironmentFile`) — and says
 * what it recorded. `hero_proc add FILE.toml` adds a TOML definition.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { parse } from "smol-toml";
import type { ProcPaths } from "../daemon/paths.ts";
import { callDaemon, CliError } from "./client.ts";
import { EXIT } from "./command_spec.ts";
import { print } from "./daemon_commands.ts";

/** Options of the add command. */
export interface AddOptions {
  cwd?: string;
  env?: string[];
  envFile?: string[];
  oneshot?: boolean;
  restart?: string;
  noStart?: boolean;
}

/** Parses a dotenv-style file: `K=V` lines, `export ` allowed, `#` comments, quoted values. */
export function parseEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`Cannot read --env-file ${file}: ${(err as Error).message}`);
  }
  const out: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CliError(`${file}:${i + 1}: expected NAME=VALUE, got "${line}"`, EXIT.usage);
    let v = m[2];
    if (/^"(.*)"$/.test(v)) v = JSON.parse(v);
    else if (/^'(.*)'$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    out[m[1]] = v;
  });
  return out;
}

/** The environment recorded for the service: files first, then `--env` (K=V, or K from here). */
export function recordedEnv(opts: AddOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of opts.envFile ?? []) Object.assign(env, parseEnvFile(f));
  for (const kv of opts.env ?? []) {
    const i = kv.indexOf("=");
    const key = i === -1 ? kv : kv.slice(0, i);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new CliError(
        `Bad --env "${kv}": use NAME=VALUE, or NAME to pass this shell's value`,
        2,
      );
    }
    if (i !== -1) env[key] = kv.slice(i + 1);
    else if (process.env[key] !== undefined) env[key] = process.env[key]!;
    else throw new CliError(`--env ${key}: ${key} is not set in this shell`, EXIT.usage);
  }
  return env;
}

/** Builds the definition from the command line, sends it; resolves the service name. */
export async function addCommand(
  paths: ProcPaths,
  target: string | undefined,
  command: string[],
  opts: AddOptions,
  json: boolean,
  quiet = false,
): Promise<string> {
  if (!target) {
    throw new CliError("Give a name and a command: hero_proc add NAME -- CMD [ARGS...]", 2);
  }
  let service: Record<string, unknown>;
  let said: string;
  if (target.endsWith(".toml")) {
    let text: string;
    try {
      text = fs.readFileSync(target, "utf8");
    } catch (err) {
      throw new CliError(`Cannot read ${target}: ${(err as Error).message}`);
    }
    try {
      service = parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(`${target}: ${(err as Error).message}`);
    }
    service.name ??= path.basename(target, ".toml");
    said = `from ${target}`;
  } else {
    if (!command.length) {
      throw new CliError(`Give the command after --: hero_proc add ${target} -- CMD [ARGS...]`, 2);
    }
    const cwd = path.resolve(opts.cwd ?? process.cwd());
    if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CliError(`--cwd ${cwd} is not a directory`, EXIT.usage);
    }
    const env = recordedEnv(opts);
    service = { name: target, exec: command.length === 1 ? command[0] : command, cwd };
    if (Object.keys(env).length) service.env = env;
    if (opts.oneshot) service.kind = "oneshot";
    if (opts.restart) service.restart = { policy: opts.restart };
    const keys = Object.keys(env);
    said = `cwd ${cwd}; env ${
      keys.length ? keys.join(", ") : "none recorded (name variables with --env or --env-file)"
    }`;
  }
  if (opts.noStart) service.autostart = false;
  const r = await callDaemon<{ created: boolean }>(paths, "service.set", { service });
  if (!quiet) {
    print(
      json,
      { ...r, name: service.name, cwd: service.cwd ?? null, env: Object.keys(service.env ?? {}) },
      `${r.created ? "Added" : "Updated"} service "${service.name}" (${said})`,
    );
  }
  return String(service.name);
}
