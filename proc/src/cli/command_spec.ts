/**
 * The shape of the CLI's command table: every command, its aliases, arguments and options. Help,
 * parsing, "did you mean" and the shell completions are all generated from this one table.
 */
import type { ProcPaths } from "../daemon/paths.ts";

/** What a value can be completed with in a shell. */
export type Completion = "service" | "file" | "dir" | "command" | "shell" | readonly string[];

/** One `--option`. */
export interface OptionSpec {
  /** Long name without dashes. */
  name: string;
  /** One-letter alias. */
  short?: string;
  /** A boolean flag, or an option taking a value (named by `value`, e.g. `N`). */
  value?: string;
  /** May be given more than once. */
  multiple?: boolean;
  /** One line of help. */
  help: string;
  /** What the value completes to. */
  complete?: Completion;
}

/** One positional argument. */
export interface ArgSpec {
  /** Name shown in usage (`NAME`, `PREFIX`). */
  name: string;
  /** Optional argument. */
  optional?: boolean;
  /** Takes any number of values. */
  many?: boolean;
  /** What it completes to. */
  complete?: Completion;
}

/** What a command receives. */
export interface CommandContext {
  paths: ProcPaths;
  json: boolean;
  /** Option values by long name. */
  opts: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments (before `--`). */
  args: string[];
  /** Everything after `--`. */
  rest: string[];
  /** Whether `--` was given. */
  dashdash: boolean;
}

/** One command of the table. */
export interface CommandSpec {
  name: string;
  aliases?: string[];
  /** One line for the command list. */
  summary: string;
  /** Positional arguments. */
  args?: ArgSpec[];
  /** Accepts `-- CMD ARGS...` (shown as such in usage). */
  command?: "required" | "optional";
  options?: OptionSpec[];
  /** Longer help shown by `hero_proc help CMD`. */
  details?: string;
  /** Subcommands (`service add`): the command then dispatches on its first word. */
  subcommands?: CommandSpec[];
  /** Hidden from help and completion (internal helpers). */
  hidden?: boolean;
  /** Runs the command; resolves the exit code. */
  run?: (ctx: CommandContext) => Promise<number>;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: "json", help: "machine-readable output" },
  { name: "help", short: "h", help: "show help for the command" },
  {
    name: "state-dir",
    value: "DIR",
    help: "state directory (HERO_PROC_STATE_DIR, default ~/hero/var/hero_proc)",
    complete: "dir",
  },
  {
    name: "config-dir",
    value: "DIR",
    help: "TOML services (HERO_PROC_CONFIG_DIR, default ~/hero/cfg/hero_proc)",
    complete: "dir",
  },
  {
    name: "socket-dir",
    value: "DIR",
    help: "socket root (PATH_SOCKET, default ~/hero/var/sockets)",
    complete: "dir",
  },
];

/** Exit codes, as documented in `hero_proc --help`. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  notRunning: 3,
} as const;
