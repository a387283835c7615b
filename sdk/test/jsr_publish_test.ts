/**
 * The SDK stays JSR-ready: `deno publish --dry-run` (the closest check the build machines can
 * make, JSR itself being unreachable) accepts the package, publishes its entry point and both
 * runtime adapters, and leaves the tests out.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const sdk = fileURLToPath(new URL("..", import.meta.url));
const deno = path.join(sdk, "..", "node_modules", ".bin", "deno");

test("deno publish --dry-run accepts @hero/sdk", () => {
  const r = spawnSync(deno, ["publish", "--dry-run", "--allow-dirty"], {
    cwd: sdk,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 180_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /Dry run complete/);
  for (const file of ["mod.ts", "src/runtime/deno.ts", "src/runtime/node.ts"]) {
    assert.ok(out.includes(path.join(sdk, file)), `${file} is published:\n${out}`);
  }
  assert.doesNotMatch(out, /_test\.ts/, "tests are left out of the package");
});
