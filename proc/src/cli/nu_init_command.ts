/**
 * `hero_proc nu-init`: prints the Nushell module (see `src/nu/hero_module.ts`), with this
 * machine's socket root as its fallback. Usage: `hero_proc nu-init | save -f hero.nu`, then
 * `use hero.nu *` in Nushell.
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { resolvePaths } from "../daemon/paths.ts";
import { heroNuModule } from "../nu/hero_module.ts";

/** Prints the module; resolves the exit code. */
export function nuInitCommand(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { "socket-dir": { type: "string" } } });
  process.stdout.write(heroNuModule(resolvePaths({ socketDir: values["socket-dir"] }).socketRoot));
  return 0;
}
