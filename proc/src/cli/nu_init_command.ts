/**
 * `hero_proc nu-init`: prints the Nushell module (see `src/nu/hero_module.ts`), with this
 * machine's socket root as its fallback. Usage: `hero_proc nu-init | save -f hero.nu`, then
 * `use hero.nu *` in Nushell.
 */
import process from "node:process";
import { heroNuModule } from "../nu/hero_module.ts";
import { type CommandSpec, EXIT } from "./command_spec.ts";

/** `hero_proc nu-init`, as an entry of the command table. */
export const NU_INIT_COMMAND: CommandSpec = {
  name: "nu-init",
  summary: "print a Nushell module: hero services | jobs | logs | rpc | tools",
  details:
    "Save it and load it in Nushell:\n  hero_proc nu-init | save -f hero.nu\n  use hero.nu *",
  run: (ctx) => {
    process.stdout.write(heroNuModule(ctx.paths.socketRoot));
    return Promise.resolve(EXIT.ok);
  },
};
