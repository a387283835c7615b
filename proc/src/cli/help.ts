/**
 * Help text generated from the command table: the overview (`hero_proc --help`) and one page per
 * command (`hero_proc help CMD`, `hero_proc CMD --help`). Neither needs a running daemon.
 */
import { type CommandSpec, GLOBAL_OPTIONS, type OptionSpec } from "./command_spec.ts";

/** `NAME [PREFIX] -- CMD [ARGS...]` for one command. */
export function usageOf(spec: CommandSpec): string {
  const parts: string[] = [];
  if (spec.subcommands) parts.push(spec.subcommands.map((s) => s.name).join("|"));
  for (const a of spec.args ?? []) {
    const name = a.many ? `${a.name}...` : a.name;
    parts.push(a.optional ? `[${name}]` : name);
  }
  if (spec.options?.length) parts.push("[OPTIONS]");
  if (spec.command === "required") parts.push("-- CMD [ARGS...]");
  if (spec.command === "optional") parts.push("[-- CMD [ARGS...]]");
  return parts.join(" ");
}

function optionLines(options: OptionSpec[]): string[] {
  const left = options.map((opt) =>
    `${opt.short ? `-${opt.short}, ` : "    "}--${opt.name}${opt.value ? ` ${opt.value}` : ""}`
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return options.map((opt, i) =>
    `  ${left[i].padEnd(width)}${opt.help}${opt.multiple ? " (repeatable)" : ""}`
  );
}

/** The overview: every command with its summary, global options and exit codes. */
export function overview(table: CommandSpec[]): string {
  const rows = table.filter((c) => !c.hidden).map((c) => {
    const name = [c.name, ...(c.aliases ?? [])].join(", ");
    return [name, c.summary];
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return [
    "hero_proc — the Hero process supervisor",
    "",
    "Usage: hero_proc COMMAND [ARGS] [OPTIONS]",
    "",
    "Commands:",
    ...rows.map(([n, s]) => `  ${n.padEnd(width)}${s}`),
    "",
    "Options of every command:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Exit codes: 0 success; 1 failure (the message says what failed); 2 bad usage;",
    "3 hero_proc is not running. `run` exits with the command's own exit code.",
    "",
    'Run "hero_proc help COMMAND" (or "hero_proc COMMAND --help") for a command\'s options.',
  ].join("\n");
}

/** The help page of one command (`path` is e.g. `[service, add]`). */
export function commandHelp(path: CommandSpec[]): string {
  const spec = path.at(-1)!;
  const name = path.map((c) => c.name).join(" ");
  const out = [
    `hero_proc ${name} — ${spec.summary}`,
    "",
    `Usage: hero_proc ${name} ${usageOf(spec)}`,
  ];
  if (spec.aliases?.length) out.push(`Aliases: ${spec.aliases.join(", ")}`);
  if (spec.details) out.push("", spec.details);
  if (spec.subcommands) {
    const width = Math.max(...spec.subcommands.map((s) => s.name.length)) + 2;
    out.push("", "Subcommands:");
    for (const s of spec.subcommands) out.push(`  ${s.name.padEnd(width)}${s.summary}`);
  }
  if (spec.options?.length) out.push("", "Options:", ...optionLines(spec.options));
  out.push("", "Options of every command:", ...optionLines(GLOBAL_OPTIONS));
  return out.join("\n");
}
