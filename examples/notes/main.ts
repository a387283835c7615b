/**
 * The notes service binary, built on HeroLifecycle: `main.ts run` serves the notes API on
 * `<socket root>/notes/rpc.sock` until SIGINT/SIGTERM; `main.ts start` registers it with
 * hero_proc and returns once it is healthy; `stop`, `status` and `logs [-f]` act on that
 * registration. Runs on Deno and Node.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HeroLifecycle, HeroServer } from "../../sdk/mod.ts";
import { notesApi } from "./notes_api.ts";
import { NoteStore } from "./note_store.ts";

const file = fileURLToPath(import.meta.url);
const onDeno = process.versions.deno !== undefined;
// How hero_proc runs this file again: same runtime, same flags.
const self = onDeno
  ? [process.execPath, "run", "--allow-all", file]
  : [process.execPath, "--disable-warning=ExperimentalWarning", file];

const lifecycle = new HeroLifecycle({
  name: "notes",
  description: "Notes: a small example service (create, list, update, tag notes)",
  self,
  commandHint: `${onDeno ? "deno run -A" : "node"} ${path.relative(process.cwd(), file) || file}`,
  run: async ({ serviceName, args, socketRoot, logger, signal }) => {
    const { values } = parseArgs({
      args,
      options: { db: { type: "string" }, "socket-dir": { type: "string" } },
    });
    const dbPath = values.db ?? process.env.NOTES_DB ??
      path.join(os.homedir(), "hero", "var", "notes", "notes.db");
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const store = new NoteStore(dbPath);
    const server = new HeroServer({
      name: serviceName,
      api: notesApi(store),
      socketRoot: values["socket-dir"] ?? socketRoot,
    });
    try {
      await server.start();
    } catch (err) {
      store.close();
      throw err;
    }
    const sock = server.rpcSocketPath;
    logger.info(`serving on ${sock}`, { db: dbPath, pid: process.pid });
    console.log(`notes is serving on ${sock} (database ${dbPath})`);
    console.log("Try it:");
    console.log(`  curl -s --unix-socket ${sock} http://localhost/openrpc.json`);
    console.log(
      `  curl -s --unix-socket ${sock} http://localhost/rpc -H 'content-type: application/json' \\\n` +
        `    -d '{"jsonrpc":"2.0","id":1,"method":"notes.create","params":{"title":"Hello"}}'`,
    );
    console.log("Press Ctrl-C to stop.");
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    await server.close();
    store.close();
    logger.info("stopped");
    console.log("notes stopped");
  },
});

process.exitCode = await lifecycle.main(process.argv.slice(2));
