/** Declarative services: loaded at open, re-read on reload (add, update with restart, remove). */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openTestSupervisor, tempDir, waitFor } from "../test_support.ts";

test("reload adds, updates (restarting a running service) and removes file services; each bad file is reported and the good ones load", async () => {
  const cfg = tempDir();
  fs.writeFileSync(path.join(cfg.dir, "one.toml"), `exec = ["sleep", "61"]\n`);
  const { sup, close } = await openTestSupervisor(cfg.dir);
  try {
    const [one] = sup.runners("one");
    await waitFor("one running", () => one.state === "running");
    const pid = one.job!.child!.pid;
    fs.writeFileSync(path.join(cfg.dir, "two.toml"), `exec = ["sleep", "62"]\nautostart = false\n`);
    fs.writeFileSync(path.join(cfg.dir, "one.toml"), `exec = ["sleep", "63"]\n`);
    const r = await sup.reload();
    assert.deepEqual(r, { added: ["two"], updated: ["one"], removed: [], errors: [] });
    await waitFor("one restarted", () => one.state === "running" && one.job?.child?.pid !== pid);
    assert.deepEqual(sup.store.getJob(one.jobId!)!.command, ["sleep", "63"]);
    assert.equal(sup.runners("two")[0].state, "stopped");
    await assert.rejects(sup.setService({ name: "one", exec: "true" }), /defined in a TOML file/);

    // Bad files are reported, every one of them, and the good ones still load.
    fs.writeFileSync(path.join(cfg.dir, "three.toml"), `exec = "true"\nrequires = ["ghost"]\n`);
    fs.writeFileSync(path.join(cfg.dir, "four.toml"), `exec = "true"\nrequires = ["three"]\n`);
    fs.writeFileSync(
      path.join(cfg.dir, "five.toml"),
      `exec = ["sleep", "64"]\nautostart = false\n`,
    );
    fs.writeFileSync(path.join(cfg.dir, "six.toml"), `exec = [\n`);
    const bad = await sup.reload();
    assert.deepEqual(bad.added, ["five"]);
    assert.deepEqual(bad.errors.map((e) => e.name).sort(), ["four", "six", "three"]);
    assert.match(
      bad.errors.find((e) => e.name === "three")!.error,
      /three\.toml: .*unknown service "ghost"/,
    );
    assert.match(
      bad.errors.find((e) => e.name === "four")!.error,
      /four\.toml: .*unknown service "three"/,
    );
    assert.match(
      bad.errors.find((e) => e.name === "six")!.error,
      /six\.toml:\d+:\d+: invalid TOML/,
    );
    assert.deepEqual(sup.services().map((s) => s.spec.name), ["five", "one", "two"]);
    assert.equal(sup.configErrors.length, 3);
    // A service whose file turns bad keeps its last good definition and keeps running.
    const running = one.job!.child!.pid;
    fs.writeFileSync(path.join(cfg.dir, "one.toml"), `exec = ["sleep", "63"]\nkind = "forever"\n`);
    const kept = await sup.reload();
    assert.deepEqual(kept.removed, []);
    assert.ok(kept.errors.some((e) => e.name === "one"));
    assert.equal(one.job!.child!.pid, running);
    fs.writeFileSync(path.join(cfg.dir, "one.toml"), `exec = ["sleep", "63"]\n`);
    for (const f of ["three", "four", "five", "six"]) fs.rmSync(path.join(cfg.dir, `${f}.toml`));
    assert.deepEqual((await sup.reload()).errors, []);
    assert.deepEqual(sup.configErrors, []);

    fs.rmSync(path.join(cfg.dir, "one.toml"));
    const newPid = one.job!.child!.pid;
    assert.deepEqual(await sup.reload(), { added: [], updated: [], removed: ["one"], errors: [] });
    assert.equal(one.state, "stopped");
    assert.throws(() => sup.service("one"), /Unknown service "one"/);
    assert.equal(
      fs.existsSync(`/proc/${newPid}`) &&
        !fs.readFileSync(`/proc/${newPid}/stat`, "utf8").includes(") Z"),
      false,
    );
  } finally {
    await close();
    cfg.cleanup();
  }
});
