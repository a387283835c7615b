/**
 * HeroLifecycle: the commands every service binary gets — `run` (serve in the foreground),
 * `start` / `--start` (register with hero_proc, start, wait until healthy), `stop`, `status`
 * and `logs [-f]` — with `--service-name`, `--run-args` and `--env K=V`. The service only
 * supplies its `run` function; everything else talks to hero_proc.
 */
import { parseArgs } from "node:util";
import { HeroError } from "../errors/hero_error.ts";
import { HeroLogger } from "../logger/hero_logger.ts";
import { currentRuntime } from "../runtime/current.ts";
import type { Runtime } from "../runtime/types.ts";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.ts";
import { validateServiceName } from "../socket/service_name.ts";
import { logsCommand, statusCommand, stopCommand } from "./lifecycle_commands.ts";
import { startService } from "./lifecycle_start.ts";
import { ProcClient } from "./proc_client.ts";
import { parseEnvPairs, splitArgs } from "./split_args.ts";

/**
 * What a service's `run` receives.
 *
 * @example
 * ```ts
 * import type { RunContext } from "@hero/sdk";
 * async function run({ serviceName, logger, signal }: RunContext): Promise<void> {
 *   logger.info(`${serviceName} is up`);
 *   await new Promise((done) => signal.addEventListener("abort", done, { once: true }));
 * }
 * ```
 */
export interface RunContext {
  /** The name to serve under (`--service-name`, default the lifecycle's name). */
  serviceName: string;
  /** Arguments after `run`, without `--service-name`. */
  args: string[];
  /** The socket root (`PATH_SOCKET`, `HERO_SOCKET_DIR`, default `~/hero/var/sockets`). */
  socketRoot: string;
  /** Logger shipping to hero_proc under the service name. */
  logger: HeroLogger;
  /** Aborted on SIGINT/SIGTERM: stop serving and return. */
  signal: AbortSignal;
}

/**
 * Options of {@link HeroLifecycle}.
 *
 * @example
 * ```ts
 * import type { HeroLifecycleOptions } from "@hero/sdk";
 * const options: HeroLifecycleOptions = {
 *   name: "notes",
 *   description: "Create and tag notes",
 *   self: ["deno", "run", "-A", "main.ts"],
 *   run: ({ signal }) => new Promise((done) => signal.addEventListener("abort", () => done())),
 * };
 * ```
 */
export interface HeroLifecycleOptions {
  /** Default service name. */
  name: string;
  /** What the service does (shown by hero_proc). */
  description?: string;
  /** How to run this binary again (argv before the command), e.g. `[execPath, script]`. */
  self: string[];
  /** Serves until `ctx.signal` aborts. */
  run: (ctx: RunContext) => Promise<void>;
  /** Environment the service always runs with under hero_proc (`--env` pairs override it). */
  env?: Record<string, string>;
  /** Health check given to hero_proc (default: the service's rpc.sock `/health`). */
  health?: (serviceName: string, socketRoot: string) => Record<string, unknown>;
  /** How users invoke the binary, for hints (default: `self` joined). */
  commandHint?: string;
  /** Output (default: console). */
  out?: (text: string) => void;
  /** Error output (default: console). */
  err?: (text: string) => void;
  /** Runtime adapter; detected automatically. */
  runtime?: Runtime;
}

const USAGE = (hint: string) =>
  `Usage:
  ${hint} run [ARGS]            serve in the foreground
  ${hint} start | --start       register with hero_proc, start, wait until healthy
  ${hint} stop                  stop the service
  ${hint} status                state, pid, health
  ${hint} logs [-f] [-n N]      last lines; -f follows

Options of start/stop/status/logs:
  --service-name NAME   register under another name
  --run-args "ARGS"     arguments given to "run" when hero_proc starts it
  --env K=V             environment of the service (repeatable)
  --socket-dir DIR      socket root (PATH_SOCKET)
  --timeout SECONDS     how long start waits for health (default 30)`;

const STRING_OPTIONS = ["--service-name", "--run-args", "--env", "--socket-dir", "--timeout"];

/**
 * The lifecycle commands of one service binary.
 *
 * @example
 * ```ts
 * import { defineApi, HeroLifecycle, HeroServer } from "@hero/sdk";
 * import process from "node:process";
 * const api = defineApi({ info: { title: "Notes", version: "1.0.0" }, methods: [] });
 * const lifecycle = new HeroLifecycle({
 *   name: "notes",
 *   self: [process.execPath, "main.ts"],
 *   run: async ({ serviceName, socketRoot, signal }) => {
 *     const server = new HeroServer({ name: serviceName, api, socketRoot });
 *     await server.start();
 *     await new Promise((done) => signal.addEventListener("abort", done, { once: true }));
 *     await server.close();
 *   },
 * });
 * process.exitCode = await lifecycle.main(process.argv.slice(2)); // run | start | stop | status | logs
 * ```
 */
export class HeroLifecycle {
  readonly #opts: HeroLifecycleOptions;

  /** Creates the lifecycle; nothing happens until {@link main}. */
  constructor(opts: HeroLifecycleOptions) {
    validateServiceName(opts.name);
    this.#opts = opts;
  }

  /** Runs the command in `argv` (without the program); resolves the exit code. */
  async main(argv: string[]): Promise<number> {
    const out = this.#opts.out ?? ((t: string) => console.log(t));
    const err = this.#opts.err ?? ((t: string) => console.error(t));
    const hint = this.#opts.commandHint ?? this.#opts.self.join(" ");
    const cmd = argv.includes("--start")
      ? "start"
      : argv[0] && !argv[0].startsWith("-")
      ? argv[0]
      : "run";
    const rest = argv.includes("--start")
      ? argv.filter((a) => a !== "--start")
      : argv[0] === cmd
      ? argv.slice(1)
      : argv;
    try {
      if (cmd === "help" || argv.includes("--help") || argv.includes("-h")) {
        out(USAGE(hint));
        return 0;
      }
      if (cmd === "run") return await this.#run(rest);
      if (!["start", "stop", "status", "logs"].includes(cmd)) {
        err(`Unknown command "${cmd}".\n${USAGE(hint)}`);
        return 2;
      }
      // `--run-args "--db x"` carries dashes: bind values to their option before parsing.
      const bound: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (STRING_OPTIONS.includes(a) && i + 1 < rest.length) bound.push(`${a}=${rest[++i]}`);
        else bound.push(a);
      }
      const { values: v } = parseArgs({
        args: bound,
        options: {
          "service-name": { type: "string" },
          "run-args": { type: "string" },
          env: { type: "string", multiple: true },
          "socket-dir": { type: "string" },
          timeout: { type: "string" },
          follow: { type: "boolean", short: "f" },
          lines: { type: "string", short: "n" },
        },
      });
      const name = validateServiceName(v["service-name"] ?? this.#opts.name);
      const root = this.#socketRoot(v["socket-dir"]);
      const proc = new ProcClient(root, this.#opts.runtime);
      try {
        if (cmd === "start") {
          const timeout = v.timeout === undefined ? 30 : Number(v.timeout);
          if (!(timeout > 0)) {
            throw new HeroError("INVALID_ARGS", `Bad --timeout "${v.timeout}": give seconds > 0`);
          }
          const status = await startService(proc, {
            name,
            description: this.#opts.description ?? "",
            exec: [
              ...this.#opts.self,
              "run",
              "--service-name",
              name,
              ...splitArgs(v["run-args"] ?? ""),
            ],
            env: { PATH_SOCKET: root, ...this.#opts.env, ...parseEnvPairs(v.env ?? []) },
            health: this.#opts.health?.(name, root) ??
              { socket: serviceSocketPaths(root, name).rpc },
            timeoutMs: timeout * 1000,
            commandHint: hint,
          });
          out(`${name} is running (pid ${status.pid}) and healthy, supervised by hero_proc`);
          return 0;
        }
        if (cmd === "stop") return await stopCommand(proc, name, out);
        if (cmd === "status") return await statusCommand(proc, name, hint, out);
        const lines = v.lines === undefined ? 50 : Number(v.lines);
        return await logsCommand(proc, name, {
          follow: v.follow === true,
          lines,
          socketRoot: root,
          runtime: this.#opts.runtime,
        }, out);
      } finally {
        proc.close();
      }
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? "");
      const usage = code === "INVALID_ARGS" || code === "INVALID_SERVICE_NAME" ||
        code.startsWith("ERR_PARSE_ARGS");
      if (e instanceof HeroError || usage) {
        err((e as Error).message);
        return usage ? 2 : 1;
      }
      err(`${cmd} failed: ${(e as Error).message}`);
      return 1;
    }
  }

  #socketRoot(flag?: string): string {
    const rt = this.#opts.runtime ?? currentRuntime();
    return flag ?? resolveSocketRoot({ env: (k) => rt.env(k), homeDir: rt.homeDir() });
  }

  async #run(argv: string[]): Promise<number> {
    const rt = this.#opts.runtime ?? currentRuntime();
    const args: string[] = [];
    let name = this.#opts.name;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === "--service-name" && i + 1 < argv.length) name = argv[++i];
      else if (argv[i].startsWith("--service-name=")) {
        name = argv[i].slice("--service-name=".length);
      } else args.push(argv[i]);
    }
    validateServiceName(name);
    const socketRoot = this.#socketRoot();
    const underProc = rt.env("HERO_PROC_JOB_ID") !== undefined;
    const logger = new HeroLogger({
      source: name,
      socketRoot,
      runtime: rt,
      // In the foreground nobody captures stdout: show the lines too.
      echo: underProc ? undefined : (t) => console.error(t),
    });
    const ctl = new AbortController();
    const off = rt.onShutdownSignal(() => ctl.abort());
    try {
      await this.#opts.run({ serviceName: name, args, socketRoot, logger, signal: ctl.signal });
      return 0;
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      logger.fatal(`${name} failed: ${msg}`);
      (this.#opts.err ?? ((t: string) => console.error(t)))(msg);
      return 1;
    } finally {
      off();
      await logger.close();
    }
  }
}
