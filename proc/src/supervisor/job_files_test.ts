/**
 * The life of a job's output files and their committed offsets (`log_offsets`) with the real
 * log store: both go once a job is over and its lines are committed; a daemon that died before
 * committing a finished job's last lines leaves them in the files, and the next one stores
 * them exactly once; the job history keeps the newest HERO_PROC_JOB_HISTORY finished jobs of
 * each action (outcome counts keep the pruned ones), and no offsets outlive their job.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { LogStore } from "../logs/log_store.ts";
import { Store } from "../store/store.ts";
import { tempDir, waitFor } from "../test_support.ts";
import { Supervisor } from "./supervisor.ts";

/** Job ids that have committed offsets. */
function offsetJobs(logs: LogStore): number[] {
  return logs.db.prepare("SELECT DISTINCT job_id FROM log_offsets ORDER BY job_id").all()
    .map((r) => Number(r.job_id));
}

test("a job's output files and offsets go when it ends; the history keeps the newest jobs of each action", async () => {
  const t = tempDir();
  const stateDir = path.join(t.dir, "state");
  const open = async () => {
    const logs = new LogStore({ file: path.join(stateDir, "logs.db") });
    const sup = await Supervisor.open({
      stateDir,
      sink: logs,
      env: { HERO_PROC_JOB_HISTORY: "2" },
    });
    return { logs, sup };
  };
  let { logs, sup } = await open();
  try {
    assert.ok(sup.shim.path, `hero_shim: ${sup.shim.problem}`);
    await sup.setService({
      name: "once",
      actions: { main: { kind: "oneshot", exec: ["sh", "-c", "echo a; echo b >&2"] } },
      autostart: false,
    });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      sup.startService("once");
      const [r] = sup.runners("once");
      await waitFor("succeeded", () => r.state === "succeeded" && r.jobId !== null, 10_000);
      ids.push(r.jobId!);
      const dir = path.join(stateDir, "jobs", String(r.jobId));
      await waitFor("files removed", () => !fs.existsSync(dir));
      // The forget is committed with the next flush.
      await waitFor("offsets gone", () => !offsetJobs(logs).includes(r.jobId!));
      const lines = logs.query({ jobId: r.jobId! }).filter((l) => !l.source.endsWith("supervisor"))
        .map((l) => l.message).sort();
      assert.deepEqual(lines, ["a", "b"]);
    }
    await sup.stopService("once"); // not wanted: the next open starts nothing
    await sup.close();
    logs.close();
    ({ logs, sup } = await open());
    const kept = sup.store.listJobs({ service: "once" }).map((j) => j.id);
    assert.deepEqual(kept, [ids[3], ids[2]], "the two newest finished jobs are kept");
    // Outcome counts (metrics counters) still count the jobs the history no longer keeps.
    assert.deepEqual(
      sup.store.jobOutcomes().filter((o) => o.service === "once"),
      [{ service: "once", action: "main", state: "succeeded", count: 4 }],
    );
    assert.deepEqual(offsetJobs(logs), []);
  } finally {
    await sup.close();
    logs.close();
    t.cleanup();
  }
});

test("the last lines of a finished job, read but not committed before a crash, are stored once by the next daemon", async () => {
  const t = tempDir();
  const stateDir = path.join(t.dir, "state");
  // What a daemon killed right after a job ended leaves: the job recorded as over, "one"
  // committed with its offset, "two" and "three" only in the output file.
  const store = new Store(stateDir);
  const job = store.createJob({
    service: "gone",
    action: "main",
    command: ["x"],
    cwd: null,
    state: "running",
    attempt: 1,
  });
  store.updateJob(job.id, { state: "failed", exit_code: 1, ended_at: Date.now() });
  store.close();
  const dir = path.join(stateDir, "jobs", String(job.id));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "stdout"), "one\ntwo\nthree\n");
  fs.writeFileSync(path.join(dir, "exit"), "exit 1\n");
  let logs = new LogStore({ file: path.join(stateDir, "logs.db") });
  logs.write({
    ts: Date.now(),
    source: "gone.main.stdout",
    jobId: job.id,
    level: "info",
    line: "one",
  });
  logs.mark(job.id, "stdout", 4);
  logs.flush();
  logs.db.prepare("INSERT INTO log_offsets (job_id, stream, offset) VALUES (999999, 'stdout', 1)")
    .run();
  logs.close();

  logs = new LogStore({ file: path.join(stateDir, "logs.db") });
  const sup = await Supervisor.open({ stateDir, sink: logs });
  try {
    await waitFor("files drained and removed", () => !fs.existsSync(dir));
    await waitFor("offsets gone", () => offsetJobs(logs).length === 0);
    const lines = logs.query({ jobId: job.id });
    assert.deepEqual(lines.map((l) => l.message), ["one", "two", "three"]);
    assert.ok(lines.every((l) => l.source === "gone.main.stdout"));
  } finally {
    await sup.close();
    logs.close();
    t.cleanup();
  }
});
