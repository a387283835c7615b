/**
 * hero_router: finds every Hero service by its Unix sockets, checks its health, proxies browser
 * traffic to it and serves its own API on rpc.sock and admin.sock. Entry point of the program.
 */
import { isHeroError } from "@hero/sdk";
import { parseCli, USAGE } from "./src/cli/cli_options.ts";
import { queryCommand } from "./src/cli/query_commands.ts";
import { serveCommand } from "./src/cli/serve_command.ts";

/** Runs the command line and resolves with the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const opts = parseCli(args);
    if (opts.command === "help") {
      console.log(USAGE);
      return 0;
    }
    if (opts.command === "serve") return await serveCommand(opts);
    return await queryCommand(opts, (s) => console.log(s));
  } catch (err) {
    console.error(
      `hero_router: ${isHeroError(err) || err instanceof Error ? err.message : String(err)}`,
    );
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
