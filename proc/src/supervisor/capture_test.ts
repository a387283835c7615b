/**
 * Output capture with hostile children, into the log store production uses: very long lines,
 * binary output, no final newline, a child writing faster than the disk, and a child under a
 * PTY. (The line splitter alone: logs/capture/line_splitter_test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTestSupervisor, pidAlive, waitFor } from "../test_support.ts";
import { jobProcesses, jobTag } from "./job_tag.ts";
import { LogStore } from "../logs/log_store.ts";

test("a 1 MB line, binary output and a missing final newline are captured without loss of text", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "weird",
      kind: "oneshot",
      exec: [
        "sh",
        "-c",
        "head -c 1048576 /dev/zero | tr '\\0' x; echo; head -c 4096 /dev/urandom; printf '\\nlast'",
      ],
    });
    const [r] = sup.runners("weird");
    await waitFor("done", () => r.state === "succeeded", 10_000);
    const lines = sup.ctx.sink.query({ source: "weird.main.stdout", limit: 10_000 });
    const xs = lines.filter((l) => /^x+$/.test(l.message));
    assert.equal(
      xs.reduce((n, l) => n + l.message.length, 0),
      1048576,
      "the long line is kept, in pieces",
    );
    assert.ok(xs.every((l) => l.message.length <= 16384));
    assert.equal(lines.at(-1)!.message, "last");
  } finally {
    await close();
  }
});

test("a child writing 200 000 lines as fast as it can is never blocked and every line is stored", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({ name: "flood", kind: "oneshot", exec: "seq 1 200000" });
    const [r] = sup.runners("flood");
    await waitFor("done", () => r.state === "succeeded", 30_000);
    const logs = sup.ctx.sink;
    assert.ok(logs instanceof LogStore, "the supervisor captures into the log store");
    logs.flush();
    const n = logs.db.prepare(
      "SELECT COUNT(*) AS n FROM logs WHERE job_id = ? AND source = 'flood.main.stdout'",
    ).get(r.jobId!);
    assert.equal(Number(n!.n) + sup.ctx.sink.dropped, 200000);
    assert.equal(sup.ctx.sink.dropped, 0);
    const last = sup.ctx.sink.query({ source: "flood.main.stdout", limit: 1 });
    assert.equal(last[0].message, "200000");
  } finally {
    await close();
  }
});

test("tty: true runs the action under a pseudo-terminal (node-pty) in its own group", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "terminal_app",
      kind: "oneshot",
      tty: true,
      exec: ["sh", "-c", "if [ -t 1 ]; then echo is-a-tty; fi; tty"],
    });
    const [r] = sup.runners("terminal_app");
    await waitFor("done", () => r.state === "succeeded", 10_000);
    const lines = sup.ctx.sink.query({ source: "terminal_app.main.stdout" }).map((l) => l.message);
    assert.equal(lines[0], "is-a-tty");
    assert.match(lines[1], /^\/dev\/pts\/\d+$/);
    const job = sup.store.getJob(r.jobId!)!;
    assert.equal(job.pid, job.pgid);
    assert.equal(job.exit_code, 0);
  } finally {
    await close();
  }
});

test("a tty process is stopped with its whole group like any other", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({ name: "tty_proc", tty: true, exec: "sleep 60 & sleep 61; wait" });
    const [r] = sup.runners("tty_proc");
    await waitFor("running", () => r.state === "running");
    const job = sup.store.getJob(r.jobId!)!;
    await waitFor(
      "both sleeps",
      async () => (await jobProcesses(job.pgid, jobTag(sup.store.instanceId, job.id))).length >= 3,
    );
    const pids = (await jobProcesses(job.pgid, jobTag(sup.store.instanceId, job.id))).map((p) =>
      p.pid
    );
    await sup.stopService("tty_proc");
    assert.deepEqual(pids.filter(pidAlive), []);
    assert.equal(sup.store.getJob(job.id)!.state, "stopped");
  } finally {
    await close();
  }
});
