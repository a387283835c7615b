/**
 * Supervisor crash safety with real processes, in stop-and-restart mode (no hero_shim, as on a
 * machine without a C compiler; adoption is tested in adoption_test.ts): `kill -9` hero_proc
 * while services run, start it again, and check that nothing runs twice, nothing is orphaned,
 * and history is intact.
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

/** Stop-and-restart recovery is what runs without hero_shim. */
const NO_SHIM = { HERO_PROC_SHIM: "off" };

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
  let d = await startDaemonProcess(dir, NO_SHIM);
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

    d = await startDaemonProcess(dir, NO_SHIM);
    // ... and are gone once it is back, before anything is started again.
    for (const pid of oldPids) assert.equal(pidAlive(pid), false, `old pid ${pid} stopped`);
    await waitFor("both running again", async () => {
      const b = await d.client.call<Status>("service.status", { name: "beta" });
      return b.state === "running";
    }, 10_000);
    // Exactly one instance of each action (alpha's may still be between fork and exec).
    await waitFor("alpha's sleep running", () => pidsWith(`1001.${m}`).length > 0);
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
  const d = await startDaemonProcess(dir, NO_SHIM);
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

test("after kill -9, recovery stops a setsid + env -u escapee and each leftover with its own stop spec, in parallel", async () => {
  const { dir, cleanup } = tempDir();
  const m = String(process.pid * 1000 + (Date.now() % 1000) + 7);
  const fallback = /^(off|0|false|no|none)$/i.test(process.env.HERO_PROC_CGROUPS ?? "");
  let d = await startDaemonProcess(dir, NO_SHIM);
  const escFile = path.join(dir, "esc");
  try {
    await d.client.call("service.set", {
      service: {
        name: "esc",
        exec: [
          "sh",
          "-c",
          `setsid env -u HERO_PROC_JOB sh -c 'echo $$ > ${escFile}; exec sleep 2001.${m}' & exec sleep 2002.${m}`,
        ],
      },
    });
    // Three services that ignore SIGTERM, each with a 1.5 s stop timeout.
    for (const n of ["s1", "s2", "s3"]) {
      await d.client.call("service.set", {
        service: {
          name: n,
          exec: ["sh", "-c", `trap '' TERM; exec sleep 2003.${m}`],
          stop: { signal: "SIGTERM", timeout_ms: 1500 },
        },
      });
    }
    await waitFor("all running", async () => {
      for (const n of ["esc", "s1", "s2", "s3"]) {
        if ((await d.client.call<Status>("service.status", { name: n })).state !== "running") {
          return false;
        }
      }
      return fs.existsSync(escFile) && fs.readFileSync(escFile, "utf8").trim() !== "";
    }, 10_000);
    const escaped = Number(fs.readFileSync(escFile, "utf8"));
    process.kill(d.pid, "SIGKILL");
    await d.exited;
    d.client.close();
    assert.ok(pidAlive(escaped));

    d = await startDaemonProcess(dir, NO_SHIM);
    const info = await d.client.call<
      { recovery: { stop_ms: number; stopped_pids: number[] }; containment: { mode: string } }
    >("system.info");
    assert.equal(info.containment.mode, fallback ? "process-group" : "cgroup");
    // Each stubborn leftover waited its own 1.5 s (not a fixed 5 s), all at once (not 4.5 s).
    assert.ok(info.recovery.stop_ms >= 1400, `stop took ${info.recovery.stop_ms} ms`);
    assert.ok(info.recovery.stop_ms < 4000, `stop took ${info.recovery.stop_ms} ms`);
    if (!fallback) {
      assert.equal(pidAlive(escaped), false, "the escapee was found by its cgroup and stopped");
      assert.ok(info.recovery.stopped_pids.includes(escaped));
    }
    await waitFor("one of each again", () => pidsWith(`2003.${m}`).length === 3, 10_000);
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    if (fs.existsSync(escFile)) {
      const pid = Number(fs.readFileSync(escFile, "utf8"));
      if (fallback && pidAlive(pid)) process.kill(pid, "SIGKILL"); // what the fallback cannot see
    }
    cleanup();
  }
});
