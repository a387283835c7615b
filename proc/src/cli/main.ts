/**
 * The `hero_proc` command line: the command table (commands.ts) parsed per command, help without
 * a daemon, and errors as one clear sentence (and advice) on stderr with a documented exit code.
 */
import process from "node:process";
import { resolvePaths } from "../daemon/paths.ts";
import { findCommand, parseLine, unknownCommand } from "./argv.ts";
import { CliError } from "./client.ts";
import { EXIT } from "./command_spec.ts";
import { COMMANDS } from "./commands.ts";
import { commandHelp, overview } from "./help.ts";

/** Runs the CLI; resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const line = parseLine(COMMANDS, argv);
  const spec = line.path.at(-1);
  if (!spec) {
    console.log(overview(COMMANDS));
    return line.opts.help ? EXIT.ok : EXIT.usage;
  }
  if (spec.name === "help") {
    if (!line.args.length) return (console.log(overview(COMMANDS)), EXIT.ok);
    const path = [];
    let list = COMMANDS;
    for (const word of line.args) {
      const found = findCommand(list, word);
      if (!found) throw unknownCommand(list, word, "");
      path.push(found);
      list = found.subcommands ?? [];
    }
    console.log(commandHelp(path));
    return EXIT.ok;
  }
  if (line.opts.help || !spec.run) {
    console.log(commandHelp(line.path));
    return line.opts.help ? EXIT.ok : EXIT.usage;
  }
  if (line.dashdash && !spec.command) {
    throw new CliError(
      `"hero_proc ${line.path.map((c) => c.name).join(" ")}" takes no command after --`,
      EXIT.usage,
    );
  }
  const paths = resolvePaths({
    stateDir: line.opts["state-dir"] as string | undefined,
    configDir: line.opts["config-dir"] as string | undefined,
    socketDir: line.opts["socket-dir"] as string | undefined,
  });
  return await spec.run({
    paths,
    json: line.opts.json === true,
    opts: line.opts,
    args: line.args,
    rest: line.rest,
    dashdash: line.dashdash,
  });
}

/** Entry point used by the launcher. */
export async function run(): Promise<void> {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliError) {
      console.error(
        err.message.startsWith("hero_proc ") ? err.message : `hero_proc: ${err.message}`,
      );
      process.exitCode = err.exitCode;
    } else {
      console.error(`hero_proc: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = EXIT.failed;
    }
  }
}
