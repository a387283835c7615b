/** Restart policies, exponential backoff timing and giving up, with real crashing processes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTestSupervisor, waitFor } from "../test_support.ts";
import { restartDelay } from "./backoff.ts";

test("a crash loop backs off exponentially and gives up after max_restarts with the reason", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "crasher",
      exec: "exit 3",
      restart: {
        policy: "on-failure",
        delay_ms: 100,
        backoff: 2,
        max_delay_ms: 1000,
        max_restarts: 4,
      },
    });
    const [r] = sup.runners("crasher");
    await waitFor("failed", () => r.state === "failed", 10_000);
    assert.match(r.reason!, /gave up after 4 restarts; last run exited with code 3/);
    const jobs = sup.store.listJobs({ service: "crasher" }).reverse();
    assert.equal(jobs.length, 5);
    assert.deepEqual(jobs.map((j) => j.attempt), [1, 2, 3, 4, 5]);
    assert.ok(jobs.every((j) => j.state === "failed" && j.exit_code === 3));
    // Each decision is logged beside the output, under <service>.<action>.supervisor.
    const events = sup.ctx.sink.query({ source: "crasher.main.supervisor" }).map((l) => l.message);
    assert.equal(events.length, 5);
    assert.match(
      events[0],
      /^restarting \(1\/4\) after it exited with code 3; next start in \d+ ms$/,
    );
    assert.match(events[4], /^gave up after 4 restarts; last run exited with code 3$/);
    // The announced delays follow 100, 200, 400, 800 ms (+ up to 20 % jitter), and each start
    // waited at least its delay after the previous end (load can only make it later, so the
    // gap has no upper bound here: timing lives in bench/).
    for (let i = 1; i < jobs.length; i++) {
      const delay = Number(/next start in (\d+) ms$/.exec(events[i - 1])![1]);
      const base = 100 * 2 ** (i - 1);
      assert.ok(delay >= base && delay <= base * 1.2, `delay ${i} = ${delay} ms, base ${base}`);
      const gap = jobs[i].started_at! - jobs[i - 1].ended_at!;
      assert.ok(gap >= delay - 5, `gap ${i} = ${gap} ms, announced ${delay}`);
    }
  } finally {
    await close();
  }
});

test("restartDelay grows by the backoff factor, stays within [delay, max] and jitters", () => {
  const spec = {
    policy: "always" as const,
    delay_ms: 100,
    backoff: 2,
    max_delay_ms: 1000,
    max_restarts: 0,
    stability_ms: 0,
  };
  assert.equal(restartDelay(spec, 1, () => 0), 100);
  assert.equal(restartDelay(spec, 3, () => 0), 400);
  assert.equal(restartDelay(spec, 3, () => 1), 480);
  assert.equal(restartDelay(spec, 10, () => 1), 1000);
});

test("policy never leaves a failed process failed; on-failure does not restart a clean exit", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({ name: "never", exec: "exit 7", restart: { policy: "never" } });
    await sup.setService({
      name: "clean",
      exec: "exit 0",
      restart: { policy: "on-failure", delay_ms: 10 },
    });
    const [n] = sup.runners("never");
    const [c] = sup.runners("clean");
    await waitFor("both done", () => n.state === "failed" && c.state === "succeeded");
    assert.equal(n.reason, "exited with code 7");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sup.store.listJobs({ service: "never" }).length, 1);
    assert.equal(sup.store.listJobs({ service: "clean" }).length, 1);
  } finally {
    await close();
  }
});

test("policy always restarts a process killed from outside, and the restart counter resets after stability_ms", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "steady",
      exec: ["sleep", "30"],
      restart: { policy: "always", delay_ms: 50, stability_ms: 300, max_restarts: 2 },
    });
    const [r] = sup.runners("steady");
    for (let i = 1; i <= 4; i++) {
      await waitFor("running", () => r.state === "running" && r.job?.child);
      const pid = r.job!.child!.pid;
      await new Promise((res) => setTimeout(res, 400)); // longer than stability_ms
      process.kill(pid, "SIGKILL");
      await waitFor(
        "new pid",
        () => r.state === "running" && r.job?.child && r.job.child.pid !== pid,
      );
    }
    // Four kills, but never more than one consecutive restart: max_restarts (2) was never hit.
    assert.equal(r.state, "running");
    assert.equal(r.totalRestarts, 4);
    assert.equal(sup.store.getJob(r.jobId!)!.attempt, 5);
    const killed = sup.store.listJobs({ service: "steady", state: "failed" });
    assert.equal(killed.length, 4);
    assert.ok(killed.every((j) => j.signal === "SIGKILL" && j.reason === "killed by SIGKILL"));
  } finally {
    await close();
  }
});
