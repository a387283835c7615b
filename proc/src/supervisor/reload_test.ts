/** Declarative services: loaded at open, re-read on reload (add, update with restart, remove). */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openTestSupervisor, tempDir, waitFor } from "../test_support.ts";

test("reload adds, updates (restarting a running service) and removes file services; a bad file changes nothing", async () => {
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
    assert.deepEqual(r, { added: ["two"], updated: ["one"], removed: [] });
    await waitFor("one restarted", () => one.state === "running" && one.job?.child?.pid !== pid);
    assert.deepEqual(sup.store.getJob(one.jobId!)!.command, ["sleep", "63"]);
    assert.equal(sup.runners("two")[0].state, "stopped");
    await assert.rejects(sup.setService({ name: "one", exec: "true" }), /defined in a TOML file/);

    fs.writeFileSync(path.join(cfg.dir, "three.toml"), `exec = "true"\nrequires = ["ghost"]\n`);
    await assert.rejects(sup.reload(), /depends on unknown service "ghost"/);
    assert.deepEqual(sup.services().map((s) => s.spec.name), ["one", "two"]);
    fs.rmSync(path.join(cfg.dir, "three.toml"));

    fs.rmSync(path.join(cfg.dir, "one.toml"));
    const newPid = one.job!.child!.pid;
    assert.deepEqual(await sup.reload(), { added: [], updated: [], removed: ["one"] });
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
