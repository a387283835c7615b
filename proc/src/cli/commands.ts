/**
 * The command table of `hero_proc`: PM2 and systemctl muscle memory (`start|stop|restart|status|
 * logs NAME`, `delete`, `describe`), stopping the daemon only when asked for (`shutdown`).
 */
import process from "node:process";
import { LOG_LEVELS } from "@hero/sdk/levels";
import type { ProcPaths } from "../daemon/paths.ts";
import { addCommand, type AddOptions } from "./add_command.ts";
import { callDaemon, CliError } from "./client.ts";
import { type CommandContext, type CommandSpec, EXIT, type OptionSpec } from "./command_spec.ts";
import { completionScript } from "./completion.ts";
import {
  daemonHealth,
  print,
  serveCommand,
  shutdownCommand,
  startCommand,
  upgradeCommand,
} from "./daemon_commands.ts";
import { DEPLOY_COMMAND } from "./deploy_command.ts";
import { jobsCommand, runCommand } from "./job_commands.ts";
import { NU_INIT_COMMAND } from "./nu_init_command.ts";
import { logsCommand } from "./logs_command.ts";
import { confirm } from "./prompt.ts";
import { reloadCommand } from "./reload_command.ts";
import {
  allServiceNames,
  listCommand,
  removeService,
  serviceVerb,
  startServices,
  statusCommand,
} from "./service_commands.ts";

const ADD_OPTIONS: OptionSpec[] = [
  { name: "cwd", value: "DIR", help: "working directory (default: this one)", complete: "dir" },
  {
    name: "env",
    value: "NAME[=VALUE]",
    multiple: true,
    help: "record an environment variable (NAME alone: its value in this shell)",
  },
  {
    name: "env-file",
    value: "FILE",
    multiple: true,
    help: "record the NAME=VALUE lines of a file",
    complete: "file",
  },
  { name: "oneshot", help: "a task that runs to completion (not restarted)" },
  {
    name: "restart",
    value: "POLICY",
    help: "always | on-failure | never",
    complete: ["always", "on-failure", "never"],
  },
  { name: "no-start", help: "add without starting" },
];

const TIMEOUT: OptionSpec = {
  name: "timeout",
  value: "SECONDS",
  help: "longest wait for the service to be ready (default 60)",
};
const ALL: OptionSpec = { name: "all", help: "every service" };
const SERVICES = { name: "NAME", many: true, complete: "service" } as const;

function addOptions(flags: CommandContext["opts"]): AddOptions {
  return {
    cwd: flags.cwd as string | undefined,
    env: flags.env as string[] | undefined,
    envFile: flags["env-file"] as string[] | undefined,
    oneshot: flags.oneshot as boolean | undefined,
    restart: flags.restart as string | undefined,
    noStart: flags["no-start"] as boolean | undefined,
  };
}

function seconds(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new CliError(`Bad --${flag} "${value}": give a number of seconds`, EXIT.usage);
  }
  return n * 1000;
}

function integer(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new CliError(`Bad ${flag} "${value}": give a whole number (1 or more)`, EXIT.usage);
  }
  return n;
}

async function names(c: CommandContext, verb: string): Promise<string[]> {
  if (c.opts.all) return await allServiceNames(c.paths);
  if (!c.args.length) {
    throw new CliError(`Give a service name (or --all): hero_proc ${verb} NAME`, EXIT.usage);
  }
  return c.args;
}

async function startDaemonIfNeeded(paths: ProcPaths, json: boolean): Promise<void> {
  if ((await daemonHealth(paths.rpcSocket)) === "ok") return;
  await startCommand(paths, json, true);
}

const add: CommandSpec = {
  name: "add",
  summary: "add a service (started unless --no-start); or: add FILE.toml",
  args: [{ name: "NAME|FILE.toml", complete: "file" }],
  command: "optional",
  options: ADD_OPTIONS,
  details: "The service runs in this directory (or --cwd) with hero_proc's environment plus the\n" +
    "variables named with --env or --env-file; nothing else of this shell is recorded.",
  run: async (c) => {
    await addCommand(c.paths, c.args[0], c.rest, addOptions(c.opts), c.json);
    return 0;
  },
};

const remove: CommandSpec = {
  name: "remove",
  aliases: ["delete", "rm"],
  summary: "stop a service and forget it",
  args: [SERVICES],
  run: async (c) => {
    if (!c.args.length) throw new CliError("Give a service name: hero_proc remove NAME", 2);
    for (const n of c.args) await removeService(c.paths, n, c.json);
    return 0;
  },
};

const start: CommandSpec = {
  name: "start",
  summary: "start services and wait until ready; without NAME: start the daemon",
  args: [{ ...SERVICES, optional: true }],
  command: "optional",
  options: [...ADD_OPTIONS.filter((o) => o.name !== "no-start"), TIMEOUT],
  details:
    "hero_proc start            start the daemon in the background (returns once healthy)\n" +
    "hero_proc start NAME...    start services (the daemon too, if it is not running)\n" +
    "hero_proc start NAME -- CMD [ARGS...]   add the service (like `add`), then start it\n" +
    "A service that exits during start, or fails its health check, ends the wait at once\n" +
    "with its last log lines.",
  run: async (c) => {
    const timeoutMs = seconds(c.opts.timeout, "timeout");
    if (!c.args.length && !c.dashdash) {
      await startCommand(c.paths, c.json);
      return 0;
    }
    await startDaemonIfNeeded(c.paths, c.json);
    if (c.dashdash) {
      if (c.args.length !== 1) {
        throw new CliError("Give one name before --: hero_proc start NAME -- CMD", 2);
      }
      await addCommand(
        c.paths,
        c.args[0],
        c.rest,
        {
          ...addOptions(c.opts),
          noStart: true,
        },
        c.json,
        c.json,
      );
    }
    await startServices(c.paths, c.args, c.json, timeoutMs);
    return 0;
  },
};

const stop: CommandSpec = {
  name: "stop",
  summary: "stop services (the daemon keeps running; see shutdown)",
  args: [{ ...SERVICES, optional: true }],
  options: [ALL],
  details: "Without NAME, on a terminal, asks whether to stop every service and the daemon;\n" +
    "elsewhere it refuses: use `hero_proc shutdown` to stop the daemon.",
  run: async (c) => {
    if (!c.args.length && !c.opts.all) {
      if (!process.stdin.isTTY) {
        throw new CliError(
          "Give a service name (hero_proc stop NAME), --all to stop every service, or stop " +
            "the daemon with: hero_proc shutdown",
          EXIT.usage,
        );
      }
      if (!(await confirm("Stop every service and the hero_proc daemon? [y/N] "))) {
        console.error("Nothing stopped.");
        return EXIT.failed;
      }
      await shutdownCommand(c.paths, c.json);
      return 0;
    }
    await serviceVerb(c.paths, "stop", await names(c, "stop"), c.json);
    return 0;
  },
};

const restart: CommandSpec = {
  name: "restart",
  summary: "stop then start services, waiting until ready",
  args: [SERVICES],
  options: [ALL],
  run: async (c) => {
    await serviceVerb(c.paths, "restart", await names(c, "restart"), c.json);
    return 0;
  },
};

const status: CommandSpec = {
  name: "status",
  aliases: ["describe", "show"],
  summary: "a service's actions, processes and last log lines; without NAME: the list",
  args: [{ name: "NAME", optional: true, complete: "service" }],
  run: async (c) => {
    if (!c.args[0]) {
      if ((await daemonHealth(c.paths.rpcSocket)) !== "ok") {
        print(c.json, { running: false }, "hero_proc is not running");
        return EXIT.notRunning;
      }
      await listCommand(c.paths, c.json);
      return 0;
    }
    await statusCommand(c.paths, c.args[0], c.json);
    return 0;
  },
};

const logs: CommandSpec = {
  name: "logs",
  summary: "log lines of a service, source prefix or job; -f to follow",
  args: [{ name: "NAME|PREFIX|JOB_ID", optional: true, complete: "service" }],
  options: [
    { name: "follow", short: "f", help: "keep printing new lines until Ctrl-C" },
    { name: "lines", short: "n", value: "N", help: "how many of the last lines (default 50)" },
    {
      name: "level",
      value: "LEVEL",
      help: "minimum level",
      complete: [...LOG_LEVELS],
    },
    { name: "since", value: "TIME", help: "from (ISO time or an age: 30s, 15m, 2h, 7d)" },
    { name: "until", value: "TIME", help: "up to" },
    { name: "grep", value: "TEXT", help: "full-text search" },
    { name: "job", value: "ID", help: "only lines of this job" },
    { name: "tree", help: "log sources as a tree with counts" },
    { name: "depth", value: "N", help: "levels of --tree (default 3)" },
  ],
  details: "A bare number is a job id. Levels: stdout lines are info; stderr lines and stdout\n" +
    "lines keep the level they start with (INFO, [warn], level=error, <3>, ...), and stderr\n" +
    "lines naming none are warn. An unknown source fails with exit code 1.",
  run: async (c) => {
    await logsCommand(c.paths, c.args[0], {
      follow: c.opts.follow as boolean | undefined,
      lines: integer(c.opts.lines, "-n"),
      level: c.opts.level as string | undefined,
      since: c.opts.since as string | undefined,
      until: c.opts.until as string | undefined,
      grep: c.opts.grep as string | undefined,
      job: c.opts.job as string | undefined,
      tree: c.opts.tree as boolean | undefined,
      depth: integer(c.opts.depth, "--depth"),
    }, c.json);
    return 0;
  },
};

/** Every command, in the order `--help` lists them. */
export const COMMANDS: CommandSpec[] = [
  start,
  stop,
  restart,
  status,
  {
    name: "list",
    aliases: ["ls", "ps"],
    summary: "services: state, pid, uptime, restarts, health, cpu, memory",
    run: async (c) => (await listCommand(c.paths, c.json), 0),
  },
  logs,
  add,
  remove,
  {
    name: "signal",
    summary: "send a signal to a service's processes (systemctl kill -s, e.g. HUP to reload)",
    args: [{ name: "NAME", complete: "service" }, {
      name: "SIGNAL",
      complete: ["HUP", "TERM", "INT", "USR1", "USR2", "KILL"],
    }],
    options: [{ name: "action", value: "ACTION", help: "only this action" }],
    run: async (c) => {
      const [name, signal] = c.args;
      if (!name || !signal) {
        throw new CliError("Give a service and a signal: hero_proc signal NAME HUP", 2);
      }
      const r = await callDaemon<{ signalled: number }>(c.paths, "service.kill", {
        name,
        signal,
        ...(c.opts.action ? { action: c.opts.action } : {}),
      });
      print(c.json, r, `Sent ${signal} to ${r.signalled} process group(s) of "${name}"`);
      return 0;
    },
  },
  {
    name: "cat",
    summary: "print a service's definition (JSON)",
    args: [{ name: "NAME", complete: "service" }],
    run: async (c) => {
      if (!c.args[0]) throw new CliError("Give a service name: hero_proc cat NAME", 2);
      print(true, await callDaemon(c.paths, "service.get", { name: c.args[0] }), "");
      return 0;
    },
  },
  {
    name: "service",
    summary: "the same verbs grouped: service add|start|stop|restart|remove|status",
    subcommands: [
      { ...add },
      { ...start, name: "start", summary: "start services and wait until ready" },
      { ...stop, name: "stop" },
      { ...restart, aliases: [] },
      { ...remove, aliases: [] },
      { ...status, aliases: [] },
    ],
  },
  {
    name: "run",
    summary: "run a command as a tracked job; exits with its exit code",
    command: "required",
    options: [
      { name: "detach", short: "d", help: "return at once with the job id" },
      { name: "timeout", value: "SECONDS", help: "stop the job after this long" },
      { name: "cwd", value: "DIR", help: "working directory (default: this one)", complete: "dir" },
    ],
    run: (c) =>
      runCommand(c.paths, c.rest, {
        detach: c.opts.detach as boolean | undefined,
        timeoutMs: seconds(c.opts.timeout, "timeout"),
        cwd: c.opts.cwd as string | undefined,
      }, c.json),
  },
  {
    name: "jobs",
    summary: "recent jobs",
    options: [
      { name: "service", value: "NAME", help: "only jobs of this service", complete: "service" },
      { name: "lines", short: "n", value: "N", help: "how many (default 30)" },
    ],
    run: async (c) => {
      await jobsCommand(c.paths, {
        service: c.opts.service as string | undefined,
        limit: integer(c.opts.lines, "-n"),
      }, c.json);
      return 0;
    },
  },
  DEPLOY_COMMAND,
  NU_INIT_COMMAND,
  {
    name: "reload",
    summary: "re-read the TOML services (~/hero/cfg/hero_proc/*.toml)",
    run: (c) => reloadCommand(c.paths, c.json),
  },
  {
    name: "serve",
    summary: "run the daemon in the foreground",
    run: async (c) => (await serveCommand(c.paths), 0),
  },
  {
    name: "shutdown",
    aliases: ["kill"],
    summary: "stop every service and the daemon",
    run: async (c) => (await shutdownCommand(c.paths, c.json), 0),
  },
  {
    name: "upgrade",
    summary: "hand over to a newly built daemon; services keep running",
    run: async (c) => (await upgradeCommand(c.paths, c.json), 0),
  },
  {
    name: "info",
    summary: "daemon information (JSON)",
    run: async (c) => (print(true, await callDaemon(c.paths, "system.info"), ""), 0),
  },
  {
    name: "completion",
    summary: "print the shell completion script: completion bash|zsh|fish",
    args: [{ name: "SHELL", complete: ["bash", "zsh", "fish"] }],
    details:
      "bash:  hero_proc completion bash > ~/.local/share/bash-completion/completions/hero_proc\n" +
      "zsh:   hero_proc completion zsh > ~/.zfunc/_hero_proc   (with fpath+=~/.zfunc)\n" +
      "fish:  hero_proc completion fish > ~/.config/fish/completions/hero_proc.fish",
    run: (c) => {
      console.log(completionScript(COMMANDS, c.args[0]));
      return Promise.resolve(0);
    },
  },
  {
    name: "help",
    summary: "help for a command: help COMMAND",
    args: [{ name: "COMMAND", optional: true }],
  },
  {
    name: "__complete",
    hidden: true,
    summary: "names for shell completion",
    args: [{ name: "WHAT" }],
    run: async (c) => {
      if (c.args[0] !== "services") return 0;
      if ((await daemonHealth(c.paths.rpcSocket)) !== "ok") return 0;
      const list = await callDaemon<{ name: string }[]>(c.paths, "service.list");
      console.log(list.map((s) => s.name).join("\n"));
      return 0;
    },
  },
];
