/**
 * Runs the fixture API as a real server process (used by tests that need a separate process:
 * live-socket refusal and signal shutdown). Usage: serve_fixture.ts <socketRoot> <name>
 */
import process from "node:process";
import { HeroServer } from "../mod.ts";
import { fixtureApi } from "./fixture_api.ts";

const [root, name] = process.argv.slice(process.argv.length - 2);
const server = new HeroServer({
  name,
  api: fixtureApi({ counter: 0 }),
  socketRoot: root,
  admin: () => Promise.resolve(new Response("<!doctype html><h1>admin</h1>")),
});
try {
  await server.start();
} catch (err) {
  console.error((err as Error).message);
  process.exit(3);
}
console.log("ready");
await server.closeOnSignal();
console.log("closed");
