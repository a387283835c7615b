/**
 * One Node version everywhere: the launcher's check, the engines fields and the READMEs agree,
 * and an older Node running the real launcher gets one line, not a stack trace.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { MIN_NODE, nodeVersionProblem } from "./node_version.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const launcher = fileURLToPath(new URL("./hero_proc.mjs", import.meta.url));
const short = MIN_NODE.replace(/\.0$/, "");

test("the version check accepts MIN_NODE and newer, refuses older", () => {
  assert.equal(nodeVersionProblem(MIN_NODE), undefined);
  assert.equal(nodeVersionProblem("24.9.0"), undefined);
  assert.equal(nodeVersionProblem("22.19.0"), undefined);
  assert.match(
    nodeVersionProblem("22.17.9", "/usr/bin/node")!,
    /needs Node >= 22\.18\.0, but \/usr\/bin\/node is 22\.17\.9/,
  );
  assert.ok(nodeVersionProblem("20.20.2"));
  assert.ok(nodeVersionProblem("18.0.0"));
});

test("engines fields and READMEs name the same Node version as the launcher", () => {
  const read = (p: string) => fs.readFileSync(`${repo}/${p}`, "utf8");
  for (const pkg of ["proc/package.json", "sdk/package.json"]) {
    assert.equal(JSON.parse(read(pkg)).engines?.node, `>=${short}`, pkg);
  }
  // The repository itself installs with an older Node (npm then brings Node 24 for its scripts).
  const install = JSON.parse(read("package.json")).engines.node.replace(">=", "");
  for (const doc of ["README.md", "proc/README.md", "sdk/README.md"]) {
    const lines = read(doc).split("\n");
    const named = (install: boolean) =>
      lines.filter((l) => l.includes("to install") === install)
        .flatMap((l) => [...l.matchAll(/Node (?:>=|≥) ?(\d+\.\d+)/g)].map((m) => m[1]));
    assert.ok(named(false).length, `${doc} names the Node version`);
    assert.deepEqual([...new Set(named(false))], [short], doc);
    assert.ok(named(true).every((v) => v === install), `${doc}: install version is ${install}`);
  }
});

/** A Node binary on this machine older than MIN_NODE (Debian's, on the build machines). */
function olderNode(): string | undefined {
  const dirs = (process.env.PATH ?? "").split(":").concat("/usr/bin", "/usr/local/bin");
  for (const dir of dirs) {
    const bin = `${dir}/node`;
    if (!fs.existsSync(bin)) continue;
    const r = spawnSync(bin, ["-p", "process.versions.node"], { encoding: "utf8" });
    if (r.status === 0 && nodeVersionProblem(r.stdout.trim())) return bin;
  }
  return undefined;
}

test("an older Node running the launcher prints one line and exits 1", (t) => {
  const node = olderNode();
  if (!node) return t.skip("no Node older than MIN_NODE on this machine");
  const r = spawnSync(node, [launcher, "list"], { encoding: "utf8" });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^hero_proc needs Node >= 22\.18\.0, but .* is \d+\.\d+\.\d+; run it through npm/,
  );
});
