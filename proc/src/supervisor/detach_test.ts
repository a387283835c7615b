/**
 * Letting go of services for an upgrade (`Supervisor.detach`) while work is in flight: the
 * next supervisor on the same state directory must adopt every job, never restart it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { pidAlive, tempDir, waitFor } from "../test_support.ts";
import { Supervisor } from "./supervisor.ts";

test("a detach while a start is in flight records the job's pids, and the next supervisor adopts it", async () => {
  const t = tempDir();
  const stateDir = path.join(t.dir, "state");
  const a = await Supervisor.open({ stateDir });
  let b: Supervisor | undefined;
  try {
    assert.ok(a.shim.path, `hero_shim: ${a.shim.problem}`);
    await a.setService({ name: "late", exec: ["sleep", "1000"] });
    const [r] = a.runners("late");
    // Microtasks only: the spawn is under way but cannot finish (its pipe is I/O).
    for (let i = 0; i < 100 && r.state !== "starting"; i++) await Promise.resolve();
    assert.equal(r.state, "starting", "the start is in flight");
    const jobId = r.jobId!;
    await a.detach();
    b = await Supervisor.open({ stateDir });
    assert.deepEqual(b.recovery.adopted.map((j) => j.id), [jobId], "adopted, not restarted");
    assert.deepEqual(b.recovery.closedJobs, []);
    const [r2] = b.runners("late");
    assert.equal(r2.jobId, jobId);
    assert.equal(r2.state, "running");
    const pid = b.store.getJob(jobId)!.pid!;
    assert.ok(pidAlive(pid));
    await b.stopService("late");
    await waitFor("stopped", () => !pidAlive(pid));
  } finally {
    await b?.close();
    t.cleanup();
  }
});
