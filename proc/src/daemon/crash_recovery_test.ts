/**
 * Supervisor crash safety with real processes: `kill -9` hero_proc while services run, start
 * it again, and check that nothing runs twice, nothing is orphaned, and history is intact.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import process from "node:process";
import {
  daemonEnv,
  LAUNCHER,
  pidAlive,
  startDaemonProcess,
  tempDir,
  waitFor,
} from "../test_support.ts";

interface Job {
  id: number;
  state: string;
  pid: number | null;
  reason: string | null;
}
interface Status {
  state: string;
  actions: { pid: number | null; job_id: number; processes: { pid: number }[] }[];
}

/** Pids of live `sleep` processes whose argument contains `marker`. */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, "latin1");
      if (cmd.startsWith("sleep\0") && cmd.includes(marker) && pidAlive(Number(n))) {
        out.push(Number(n));
      }
    } catch { /* gone */ }
  }
  return out;
}

test("after kill -9 of hero_proc, a restart stops the old groups, runs each action once and keeps history", async () => {
  const { dir, cleanup } = tempDir();
  const m = String(process.pid * 1000 + (Date.now() % 1000));
  let d = await startDaemonProcess(dir);
  try {
    const pidFile = path.join(dir, "escaped");
    await d.client.call("service.set", {
      service: { name: "alpha", exec: ["sleep", `1001.${m}`] },
    });
    await d.client.call("service.set", {
      service: {
        name: "beta",
        requires: ["alpha"],
        exec: [
          "sh",
          "-c",
          `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 1002.${m}' & sleep 1003.${m}`,
        ],
      },
    });
    await d.client.call("service.start", { name: "beta", wait: true, timeout_ms: 10_000 });
    await waitFor(
      "escaped pid",
      () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim(),
    );
    const escaped = Number(fs.readFileSync(pidFile, "utf8"));
    const before = {
      alpha: await d.client.call<Status>("service.status", { name: "alpha" }),
      beta: await d.client.call<Status>("service.status", { name: "beta" }),
    };
    const oldPids = [before.alpha.actions[0].pid!, before.beta.actions[0].pid!, escaped];
    assert.ok(oldPids.every(pidAlive));
    const oldJobs = await d.client.call<Job[]>("job.list", {});

    process.kill(d.pid, "SIGKILL");
    await d.exited;
    d.client.close();
    // The children outlive their supervisor (own sessions) ...
    assert.ok(oldPids.every(pidAlive), "children survive the supervisor's death");

    d = await startDaemonProcess(dir);
    // ... and are gone once it is back, before anything is started again.
    for (const pid of oldPids) assert.equal(pidAlive(pid), false, `old pid ${pid} stopped`);
    await waitFor("both running again", async () => {
      const b = await d.client.call<Status>("service.status", { name: "beta" });
      return b.state === "running";
    }, 10_000);
    // Exactly one instance of each action.
    assert.equal(pidsWith(`1001.${m}`).length, 1);
    await waitFor(
      "beta's setsid child restarted",
      () =>
        pidsWith(`1002.${m}`).length === 1 && pidsWith(`1003.${m}`).length === 1 &&
        fs.readFileSync(pidFile, "utf8").trim() !== String(escaped),
    );
    const info = await d.client.call<
      { recovery: { mode: string; closed_jobs: number[]; stopped_pids: number[] } }
    >("system.info");
    assert.equal(info.recovery.mode, "stop-and-restart");
    for (const pid of oldPids) {
      assert.ok(info.recovery.stopped_pids.includes(pid), `recovery reports pid ${pid}`);
    }
    // History is intact: every old job is still there, the running ones closed with the reason.
    const jobs = await d.client.call<Job[]>("job.list", { limit: 1000 });
    for (const old of oldJobs) {
      const now = jobs.find((j) => j.id === old.id)!;
      assert.ok(now, `job ${old.id} kept`);
      if (old.state === "running") {
        assert.equal(now.state, "stopped");
        assert.match(now.reason!, /hero_proc restarted after a crash/);
      }
    }
    assert.ok(jobs.filter((j) => j.state === "running").length === 2);
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    assert.equal(pidsWith(m).length, 0, "nothing left after shutdown");
    cleanup();
  }
});

test("a second daemon on the same state directory is refused and touches nothing", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    await d.client.call("service.set", { service: { name: "keep", exec: ["sleep", "300"] } });
    const st = await d.client.call<Status>("service.status", { name: "keep" });
    // Same state directory, different socket directory.
    const other = spawnSync(process.execPath, [LAUNCHER, "serve"], {
      env: { ...process.env, ...daemonEnv(dir), PATH_SOCKET: path.join(dir, "other_sock") },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(other.status, 1);
    assert.match(
      other.stderr,
      new RegExp(`another hero_proc \\(pid ${d.pid}\\) uses the state directory`),
    );
    assert.ok(pidAlive(st.actions[0].pid!), "the first daemon's child was not touched");
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});
