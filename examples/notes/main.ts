/**
 * The notes service binary: `main.ts run` serves the notes API on
 * `<socket root>/notes/rpc.sock` until SIGINT/SIGTERM. Runs on Deno and Node.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { HeroServer } from "../../sdk/mod.ts";
import { notesApi } from "./notes_api.ts";
import { NoteStore } from "./note_store.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    db: { type: "string" },
    "service-name": { type: "string", default: "notes" },
    "socket-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

const command = positionals[0] ?? "run";
if (values.help || command !== "run") {
  console.log("usage: notes run [--db FILE] [--service-name NAME] [--socket-dir DIR]");
  process.exit(values.help ? 0 : 2);
}

const dbPath = values.db ?? process.env.NOTES_DB ??
  path.join(os.homedir(), "hero", "var", "notes", "notes.db");
fs.mkdirSync(path.dirname(dbPath), { recursive: true });
const store = new NoteStore(dbPath);
const server = new HeroServer({
  name: values["service-name"]!,
  api: notesApi(store),
  socketRoot: values["socket-dir"],
});

try {
  await server.start();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const sock = server.rpcSocketPath;
console.log(`notes is serving on ${sock} (database ${dbPath})`);
console.log("Try it:");
console.log(`  curl -s --unix-socket ${sock} http://localhost/openrpc.json`);
console.log(
  `  curl -s --unix-socket ${sock} http://localhost/rpc -H 'content-type: application/json' \\\n` +
    `    -d '{"jsonrpc":"2.0","id":1,"method":"notes.create","params":{"title":"Hello"}}'`,
);
console.log("Press Ctrl-C to stop.");
await server.closeOnSignal();
store.close();
console.log("notes stopped");
