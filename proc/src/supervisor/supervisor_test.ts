/** Supervisor core with real processes: start, capture, stop, restart policies, dependencies. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTestSupervisor, pidAlive, waitFor } from "../test_support.ts";

test("a process action runs in its own group and its output is captured line by line", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "echoer",
      actions: { main: { exec: "echo hello; echo oops >&2; printf 'no newline'; sleep 30" } },
    });
    const [r] = sup.runners("echoer");
    await waitFor("running", () => r.state === "running");
    const job = sup.store.getJob(r.jobId!)!;
    assert.equal(job.pid, job.pgid);
    assert.ok(pidAlive(job.pid!));
    await waitFor("2 lines", () => sup.ctx.sink.query({ source: "echoer" }).length >= 2);
    const lines = sup.ctx.sink.query({ source: "echoer" });
    assert.deepEqual(
      lines.map((l) => [l.source, l.message, l.level, l.job_id]).sort(),
      [["echoer.main.stderr", "oops", "warn", job.id], [
        "echoer.main.stdout",
        "hello",
        "info",
        job.id,
      ]],
    );
    await sup.stopService("echoer");
    assert.equal(r.state, "stopped");
    assert.equal(pidAlive(job.pid!), false);
    assert.equal(sup.store.getJob(job.id)!.state, "stopped");
    const all = sup.ctx.sink.query({ jobId: job.id });
    assert.ok(all.some((l) => l.message === "no newline"), "unterminated last line is kept");
  } finally {
    await close();
  }
});
