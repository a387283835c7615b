/**
 * The `hero_proc` command line: daemon control, services, jobs and logs. Every command takes
 * `--json`; errors are one clear sentence (and advice) on stderr with a non-zero exit code.
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { resolvePaths } from "../daemon/paths.ts";
import { CliError } from "./client.ts";
import {
  print,
  serveCommand,
  startCommand,
  stopCommand,
  upgradeCommand,
} from "./daemon_commands.ts";
import { jobsCommand, runCommand } from "./job_commands.ts";
import { callDaemon } from "./client.ts";
import { logsCommand } from "./logs_command.ts";
import {
  listCommand,
  serviceAddCommand,
  serviceVerbCommand,
  statusCommand,
} from "./service_commands.ts";

const USAGE = `hero_proc — the Hero process supervisor

Usage:
  hero_proc serve                      run the daemon in the foreground
  hero_proc start                      start the daemon in the background (returns once healthy)
  hero_proc stop                       stop every service and the daemon
  hero_proc upgrade                    hand over to a newly built daemon; services keep running
  hero_proc list                       services: state, pid, uptime, restarts, health, cpu, memory
  hero_proc status NAME                details of a service and its last log lines
  hero_proc service add NAME -- CMD    add (and start) a service; or: service add FILE.toml
  hero_proc service start|stop|restart|remove NAME
  hero_proc run [--detach] -- CMD      run a command as a tracked job
  hero_proc jobs [--service NAME]      recent jobs
  hero_proc logs [PREFIX|JOB_ID] [-f] [-n N] [--level L] [--since T] [--until T] [--grep TEXT] [--job ID]
  hero_proc logs --tree [PREFIX] [--depth N]   log sources as a tree with counts
  hero_proc reload                     re-read ~/hero/cfg/hero_proc/*.toml
  hero_proc info                       daemon information

Options:
  --json              machine-readable output
  --state-dir DIR     (HERO_PROC_STATE_DIR, default ~/hero/var/hero_proc)
  --config-dir DIR    (HERO_PROC_CONFIG_DIR, default ~/hero/cfg/hero_proc)
  --socket-dir DIR    (PATH_SOCKET, default ~/hero/var/sockets)
`;

/** Runs the CLI; resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const dash = argv.indexOf("--");
  const before = dash === -1 ? argv : argv.slice(0, dash);
  const rest = dash === -1 ? [] : argv.slice(dash + 1);
  const { values: o, positionals } = parseArgs({
    args: before,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      "state-dir": { type: "string" },
      "config-dir": { type: "string" },
      "socket-dir": { type: "string" },
      follow: { type: "boolean", short: "f" },
      lines: { type: "string", short: "n" },
      detach: { type: "boolean", short: "d" },
      timeout: { type: "string" },
      service: { type: "string" },
      oneshot: { type: "boolean" },
      restart: { type: "string" },
      cwd: { type: "string" },
      env: { type: "string", multiple: true },
      "no-start": { type: "boolean" },
      level: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      grep: { type: "string" },
      job: { type: "string" },
      tree: { type: "boolean" },
      depth: { type: "string" },
    },
  });
  const json = o.json === true;
  const paths = resolvePaths({
    stateDir: o["state-dir"],
    configDir: o["config-dir"],
    socketDir: o["socket-dir"],
  });
  const [cmd, ...args] = positionals;
  const need = (what: string) => {
    if (!args[0]) throw new CliError(`Missing ${what}. Run "hero_proc --help" for usage.`, 2);
    return args[0];
  };
  switch (cmd) {
    case undefined:
    case "help":
      console.log(USAGE);
      return cmd === undefined && !o.help ? 2 : 0;
    case "serve":
      await serveCommand(paths);
      return 0;
    case "start":
      await startCommand(paths, [
        "--state-dir",
        paths.stateDir,
        "--config-dir",
        paths.configDir,
        "--socket-dir",
        paths.socketRoot,
      ], json);
      return 0;
    case "stop":
      await stopCommand(paths, json);
      return 0;
    case "upgrade":
      await upgradeCommand(paths, json);
      return 0;
    case "list":
    case "ls":
      await listCommand(paths, json);
      return 0;
    case "status":
      await statusCommand(paths, need("service name"), json);
      return 0;
    case "service": {
      const [verb, ...more] = args;
      if (verb === "add") {
        await serviceAddCommand(paths, more, rest, {
          oneshot: o.oneshot,
          restart: o.restart,
          cwd: o.cwd,
          env: o.env,
          noStart: o["no-start"],
        }, json);
        return 0;
      }
      if (["start", "stop", "restart", "remove"].includes(verb) && more[0]) {
        await serviceVerbCommand(paths, verb, more[0], json);
        return 0;
      }
      throw new CliError("Usage: hero_proc service add|start|stop|restart|remove NAME", 2);
    }
    case "run":
      return await runCommand(paths, rest.length ? rest : args, {
        detach: o.detach,
        timeoutMs: o.timeout ? Number(o.timeout) : undefined,
        cwd: o.cwd,
      }, json);
    case "jobs":
      await jobsCommand(
        paths,
        { service: o.service, limit: o.lines ? Number(o.lines) : undefined },
        json,
      );
      return 0;
    case "logs":
      await logsCommand(paths, args[0], {
        follow: o.follow,
        lines: o.lines ? Number(o.lines) : undefined,
        level: o.level,
        since: o.since,
        until: o.until,
        grep: o.grep,
        job: o.job,
        tree: o.tree,
        depth: o.depth ? Number(o.depth) : undefined,
      }, json);
      return 0;
    case "reload": {
      const r = await callDaemon<{ added: string[]; updated: string[]; removed: string[] }>(
        paths,
        "system.reload",
      );
      print(
        json,
        r,
        `Reloaded: added ${r.added.join(", ") || "none"}; updated ${
          r.updated.join(", ") || "none"
        }; removed ${r.removed.join(", ") || "none"}`,
      );
      return 0;
    }
    case "info":
      print(true, await callDaemon(paths, "system.info"), "");
      return 0;
    default:
      throw new CliError(`Unknown command "${cmd}". Run "hero_proc --help" for usage.`, 2);
  }
}

/** Entry point used by the launcher. */
export async function run(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`hero_proc: ${err.message}`);
      process.exitCode = err.exitCode;
    } else if (
      err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`hero_proc: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(`hero_proc: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}
