/** `hero_proc run -- CMD` (a tracked job, output streamed, exit code passed on) and `hero_proc jobs`. */
import process from "node:process";
import type { ProcPaths } from "../daemon/paths.ts";
import type { LogRecord } from "@hero/sdk";
import type { JobRecord } from "../model/spec.ts";
import { callDaemon, CliError } from "./client.ts";
import { print } from "./daemon_commands.ts";
import { duration, stateColor, table } from "./format.ts";

const FINAL = ["succeeded", "failed", "cancelled", "timed_out", "stopped"];

/** Runs a command as a job; streams its output unless detached; exits with its exit code. */
export async function runCommand(
  paths: ProcPaths,
  argv: string[],
  opts: { detach?: boolean; timeoutMs?: number; cwd?: string },
  json: boolean,
): Promise<number> {
  if (!argv.length) throw new CliError("Usage: hero_proc run [--detach] -- CMD [ARGS...]", 2);
  const job = await callDaemon<JobRecord>(paths, "job.run", {
    command: argv.length === 1 ? argv[0] : argv,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.timeoutMs ? { timeout_ms: opts.timeoutMs } : {}),
  });
  if (opts.detach) {
    print(json, job, `job ${job.id} ${job.state}`);
    return 0;
  }
  let last = 0;
  let current = job;
  for (;;) {
    const lines = await callDaemon<LogRecord[]>(
      paths,
      "job.logs",
      {
        id: job.id,
        after_id: last,
        limit: 1000,
      },
    );
    for (const l of lines) {
      (l.source.endsWith("stderr") ? process.stderr : process.stdout).write(`${l.message}\n`);
    }
    if (lines.length) last = lines.at(-1)!.id;
    if (FINAL.includes(current.state) && !lines.length) break;
    if (!lines.length) {
      current = await callDaemon<JobRecord>(paths, "job.wait", { id: job.id, timeout_ms: 200 });
    }
  }
  if (json) print(true, current, "");
  else if (current.state !== "succeeded") {
    console.error(`job ${current.id} ${current.state}: ${current.reason ?? ""}`);
  }
  return current.exit_code ?? (current.state === "succeeded" ? 0 : 1);
}

/** Lists recent jobs. */
export async function jobsCommand(
  paths: ProcPaths,
  opts: { service?: string; limit?: number },
  json: boolean,
): Promise<void> {
  const jobs = await callDaemon<JobRecord[]>(paths, "job.list", {
    ...opts,
    limit: opts.limit ?? 30,
  });
  if (json) return print(true, jobs, "");
  console.log(table(
    ["id", "service", "state", "attempt", "pid", "exit", "duration", "command"],
    jobs.map((j) => [
      String(j.id),
      j.service ? `${j.service}.${j.action}` : "(ad-hoc)",
      stateColor(j.state),
      String(j.attempt),
      j.pid ? String(j.pid) : "-",
      j.exit_code !== null ? String(j.exit_code) : j.signal ?? "-",
      j.started_at ? duration((j.ended_at ?? Date.now()) - j.started_at) : "-",
      j.command.join(" ").slice(0, 60),
    ]),
  ));
}
