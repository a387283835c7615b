// Runs after `npm install`. The `deno` package's own install step points node_modules/.bin/deno
// straight at the Deno binary; `deno task` then tries to run that binary as a JavaScript npm bin
// and fails. Pointing the bin back at the package's JS launcher makes both `deno task ...` and
// npm scripts / npx resolve `deno` correctly.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "node_modules", ".bin", "deno");
const launcher = path.join(root, "node_modules", "deno", "bin.cjs");

if (fs.existsSync(launcher)) {
  fs.rmSync(bin, { force: true });
  fs.symlinkSync(path.relative(path.dirname(bin), launcher), bin);
  fs.chmodSync(launcher, 0o755);
}
