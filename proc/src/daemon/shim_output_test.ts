/**
 * hero_shim's output files with a real daemon: a long-running job's file gives its disk blocks
 * back once its lines are committed (the offsets stay valid), every line is stored once, and
 * the job's files are removed when it ends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

test("a chatty job's output file is freed behind the committed offset; files go when it ends", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir, { HERO_PROC_OUTPUT_RECLAIM: "1M" });
  try {
    const info = await d.client.call<{ shim: { path: string | null } }>("system.info");
    assert.ok(info.shim.path, "hero_shim was built");
    await d.client.call("service.set", {
      service: { name: "chatty", exec: ["sh", "-c", "seq 1 600000; exec sleep 300"] },
    });
    const job = await waitFor("job", async () => {
      const s = await d.client.call<{ actions: { job_id: number }[] }>("service.status", {
        name: "chatty",
      });
      return s.actions[0].job_id;
    });
    await waitFor("all lines stored", async () => {
      const t = await d.client.call<{ lines: number }>("logs.tree", { prefix: "chatty" });
      return t.lines === 600000;
    }, 30_000);
    const file = path.join(dir, "state", "jobs", String(job), "stdout");
    const size = fs.statSync(file).size;
    await waitFor("blocks freed", () => fs.statSync(file).blocks * 512 < size / 2, 10_000);
    const last = await d.client.call<{ lines: { message: string }[] }>("logs.query", {
      source: "chatty",
      limit: 1,
    });
    assert.equal(last.lines[0].message, "600000");
    await d.client.call("service.stop", { name: "chatty" });
    await waitFor("job files removed", () => !fs.existsSync(path.dirname(file)));
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("while no daemon reads, a flooding service is held back at the backlog instead of filling the disk", async () => {
  const { dir, cleanup } = tempDir();
  const env = { HERO_SHIM_BACKLOG: String(2 * 1024 * 1024) };
  let d = await startDaemonProcess(dir, env);
  try {
    await d.client.call("service.set", { service: { name: "flood", exec: ["yes"] } });
    const job = await waitFor("job", async () => {
      const s = await d.client.call<{ actions: { job_id: number; pid: number | null }[] }>(
        "service.status",
        { name: "flood" },
      );
      return s.actions[0].pid ? s.actions[0].job_id : 0;
    });
    const file = path.join(dir, "state", "jobs", String(job), "stdout");
    await waitFor("the daemon reading", () => fs.existsSync(`${file}.read`));
    process.kill(d.pid, "SIGKILL");
    await d.exited;
    d.client.close();
    const read = Number(fs.readFileSync(`${file}.read`, "utf8"));
    await new Promise((r) => setTimeout(r, 1000));
    const size = fs.statSync(file).size;
    // At most the backlog beyond what the daemon had read, plus a pipe's worth in flight.
    assert.ok(size - read <= 2 * 1024 * 1024 + 128 * 1024, `unread ${size - read} bytes`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(fs.statSync(file).size, size, "the writer is blocked, not the file growing");
    d = await startDaemonProcess(dir, env);
    await waitFor("reading again", () => fs.statSync(file).size > size + 1024 * 1024, 10_000);
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
});
