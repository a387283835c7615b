/**
 * Stop escalation and process-tree cleanup with real process trees: a grandchild that ignores
 * SIGTERM, a double fork into the background, and a grandchild that leaves the group with setsid.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openTestSupervisor, pidAlive, waitFor } from "../test_support.ts";

const readPids = (file: string) =>
  fs.existsSync(file)
    ? fs.readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)
    : [];

test("stop escalates to SIGKILL when a grandchild ignores SIGTERM, and the job ends only when the group is empty", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const pids = path.join(dir, "pids");
  try {
    await sup.setService({
      name: "stubborn",
      exec:
        `sh -c 'trap "" TERM; echo $$ >> ${pids}; while true; do sleep 0.05; done' & echo $$ >> ${pids}; wait`,
      stop: { signal: "TERM", timeout_ms: 300 },
    });
    await waitFor("two pids", () => readPids(pids).length === 2);
    const [leader, grandchild] = readPids(pids).sort((a, b) => a - b);
    const [r] = sup.runners("stubborn");
    const jobId = r.jobId!;
    const t0 = Date.now();
    await sup.stopService("stubborn");
    const took = Date.now() - t0;
    assert.equal(pidAlive(leader), false);
    assert.equal(pidAlive(grandchild), false);
    assert.ok(took >= 290, `SIGKILL came after the timeout (took ${took} ms)`);
    const job = sup.store.getJob(jobId)!;
    assert.equal(job.state, "stopped");
    assert.match(job.reason!, /did not stop within 300 ms of SIGTERM; killed/);
  } finally {
    await close();
  }
});

test("a child that double-forks into the background is stopped with its group", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const pids = path.join(dir, "pids");
  try {
    await sup.setService({
      name: "forker",
      // The inner shell backgrounds a sleeper and exits: the sleeper is re-parented, still in the group.
      exec: `sh -c 'sleep 60 & echo $! >> ${pids}'; sleep 60`,
    });
    await waitFor("daemon pid", () => readPids(pids).length === 1);
    const [daemon] = readPids(pids);
    assert.ok(pidAlive(daemon));
    await sup.stopService("forker");
    assert.equal(pidAlive(daemon), false);
  } finally {
    await close();
  }
});

test("a grandchild that calls setsid leaves the group but is found by its job tag and stopped", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const pids = path.join(dir, "pids");
  try {
    await sup.setService({
      name: "escaper",
      exec: `setsid sh -c 'echo $$ >> ${pids}; exec sleep 60' & sleep 60`,
    });
    await waitFor("escaped pid", () => readPids(pids).length === 1);
    const [escaped] = readPids(pids);
    const [r] = sup.runners("escaper");
    // Under load the grandchild can write its pid before the runner has recorded its job.
    await waitFor("the job's child", () => r.job?.child !== undefined);
    const stat = fs.readFileSync(`/proc/${escaped}/stat`, "latin1");
    const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    assert.notEqual(pgid, r.job!.child!.pgid, "the grandchild really left the group");
    await sup.stopService("escaper");
    assert.equal(pidAlive(escaped), false);
  } finally {
    await close();
  }
});

test("when the main process exits, what it left in its group is stopped before the job ends", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const pids = path.join(dir, "pids");
  try {
    await sup.setService({
      name: "leaver",
      exec: `sleep 60 & echo $! >> ${pids}; exit 0`,
      kind: "oneshot",
    });
    const [r] = sup.runners("leaver");
    await waitFor("succeeded", () => r.state === "succeeded");
    const [left] = readPids(pids);
    assert.equal(pidAlive(left), false);
  } finally {
    await close();
  }
});
