/**
 * Parsing one command line against the command table: the command (or its alias, or a "did you
 * mean" for a typo), then that command's own options only, so a flag of another command is an
 * error with a suggestion instead of being silently ignored.
 */
import { parseArgs } from "node:util";
import { closestName } from "../supervisor/closest_name.ts";
import { CliError } from "./client.ts";
import { type CommandSpec, EXIT, GLOBAL_OPTIONS, type OptionSpec } from "./command_spec.ts";

/** A parsed command line. */
export interface ParsedLine {
  /** The command path, e.g. `[service, add]`; empty for the bare `hero_proc`. */
  path: CommandSpec[];
  opts: Record<string, string | boolean | string[] | undefined>;
  args: string[];
  rest: string[];
  dashdash: boolean;
}

/** Finds a command by name or alias. */
export function findCommand(list: CommandSpec[], word: string): CommandSpec | undefined {
  return list.find((c) => c.name === word || c.aliases?.includes(word));
}

/** The unknown-command error, with the closest command as a suggestion. */
export function unknownCommand(list: CommandSpec[], word: string, where: string): CliError {
  const shown = list.filter((c) => !c.hidden);
  // Full names first: "lsit" means "list" more likely than the alias "ls" it starts with.
  const hint = closestName(word, shown.map((c) => c.name)) ??
    closestName(word, shown.flatMap((c) => c.aliases ?? []));
  return new CliError(
    `Unknown command "${word}"${where}${hint ? `; did you mean "${hint}"?` : ""}\n` +
      `Run "hero_proc --help" for the list of commands.`,
    EXIT.usage,
  );
}

/** All options a command accepts (its own and the global ones). */
export function optionsOf(spec: CommandSpec | undefined): OptionSpec[] {
  return [...(spec?.options ?? []), ...GLOBAL_OPTIONS];
}

/** Parses `argv` (without the program name). */
export function parseLine(table: CommandSpec[], argv: string[]): ParsedLine {
  const dash = argv.indexOf("--");
  const before = dash === -1 ? argv : argv.slice(0, dash);
  const rest = dash === -1 ? [] : argv.slice(dash + 1);
  // Find the command words first: the first non-option words that name commands.
  const path: CommandSpec[] = [];
  const remaining: string[] = [];
  let list = table;
  for (let i = 0; i < before.length; i++) {
    const word = before[i];
    const takesValue = !word.startsWith("-") ? false : optionTakesValue(path.at(-1), word);
    if (word.startsWith("-")) {
      remaining.push(word);
      if (takesValue && !word.includes("=") && i + 1 < before.length) remaining.push(before[++i]);
      continue;
    }
    if (list.length && (path.length === 0 || path.at(-1)!.subcommands)) {
      const found = findCommand(list, word);
      if (!found) {
        const where = path.length ? ` for "hero_proc ${path.map((c) => c.name).join(" ")}"` : "";
        throw unknownCommand(list, word, where);
      }
      path.push(found);
      list = found.subcommands ?? [];
      continue;
    }
    remaining.push(word);
  }
  const spec = path.at(-1);
  const options = optionsOf(spec);
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> =
    {};
  for (const opt of options) {
    config[opt.name] = {
      type: opt.value ? "string" : "boolean",
      ...(opt.short ? { short: opt.short } : {}),
      ...(opt.multiple ? { multiple: true } : {}),
    };
  }
  const { tokens } = parseArgs({
    args: remaining,
    options: config,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const cmdName = path.length ? `"hero_proc ${path.map((c) => c.name).join(" ")}"` : "hero_proc";
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    const known = options.find((opt) => opt.name === t.name || opt.short === t.name);
    if (!known) {
      const hint = closestName(t.name, options.map((opt) => opt.name));
      throw new CliError(
        `Unknown option ${t.rawName} for ${cmdName}${hint ? `; did you mean --${hint}?` : ""}\n` +
          `Run "hero_proc ${path.map((c) => c.name).join(" ")} --help" for its options.`
            .replace("hero_proc  --help", "hero_proc --help"),
        EXIT.usage,
      );
    }
  }
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: remaining,
      options: config,
      strict: true,
      allowPositionals: true,
    }));
  } catch (err) {
    const msg = (err as Error).message.replace(/ To specify an option argument.*$/s, "");
    throw new CliError(`${msg} (${cmdName})`, EXIT.usage);
  }
  return {
    path,
    opts: values as ParsedLine["opts"],
    args: positionals,
    rest,
    dashdash: dash !== -1,
  };
}

function optionTakesValue(spec: CommandSpec | undefined, word: string): boolean {
  const name = word.replace(/^-+/, "").split("=")[0];
  const all = [...GLOBAL_OPTIONS, ...(spec?.options ?? [])];
  return all.some((opt) => (opt.name === name || opt.short === name) && opt.value !== undefined);
}
