/**
 * The daemon and its JavaScript build: the running daemon pins its build (it loads the admin UI
 * from there on first use), and a rebuild removes old builds except pinned ones.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { daemonEnv, LAUNCHER, tempDir } from "../test_support.ts";

const DIST = fileURLToPath(new URL("../../dist/", import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL("../../scripts/build_dist.mjs", import.meta.url));

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The build directories holding a pin of `pid`. */
function pinsOf(pid: number): string[] {
  return fs.readdirSync(DIST).filter((b) => fs.existsSync(path.join(DIST, b, `.pid.${pid}`)));
}

test("a started daemon pins its build while it runs", () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  let pid = 0;
  try {
    assert.equal(cli(env, "start").code, 0);
    const info = JSON.parse(cli(env, "info", "--json").out);
    pid = info.pid;
    assert.equal(info.code, "dist");
    assert.equal(pinsOf(pid).length, 1, "the daemon pins exactly its own build");
  } finally {
    cli(env, "shutdown");
    cleanup();
  }
  assert.deepEqual(pinsOf(pid), [], "a stopped daemon leaves no pin");
});

test("a rebuild removes old builds but keeps those a live process pinned", () => {
  const old = Date.now() / 1000 - 600;
  const unpinned = path.join(DIST, `bzz_unpinned_${process.pid}`);
  const pinned = path.join(DIST, `bzz_pinned_${process.pid}`);
  const stale = path.join(DIST, `bzz_stale_pin_${process.pid}`);
  for (const d of [unpinned, pinned, stale]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(pinned, `.pid.${process.pid}`), "");
  // A pid that cannot be alive: above the kernel's pid_max.
  fs.writeFileSync(path.join(stale, ".pid.99999999"), "");
  for (const d of [unpinned, pinned, stale]) fs.utimesSync(d, old, old);
  try {
    const r = spawnSync(process.execPath, [BUILD_SCRIPT], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.existsSync(unpinned), false, "an old unpinned build is removed");
    assert.equal(fs.existsSync(stale), false, "a pin of a dead process does not count");
    assert.equal(fs.existsSync(pinned), true, "a pinned build stays");
    const build = path.join(DIST, fs.readFileSync(path.join(DIST, "current"), "utf8").trim());
    // hero_proc's own modules import the SDK only through the build's copy (an import left
    // pointing at node_modules would load .ts sources, and the TypeScript stripper with them).
    const src = path.join(build, "src");
    const left = (fs.readdirSync(src, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".js"))
      .filter((f) => /from\s*["']@hero\/sdk/.test(fs.readFileSync(path.join(src, f), "utf8")));
    assert.deepEqual(left, [], "every @hero/sdk import points at the build's copy");
  } finally {
    for (const d of [unpinned, pinned, stale]) fs.rmSync(d, { recursive: true, force: true });
  }
});
