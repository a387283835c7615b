/**
 * Containment with real processes: every job in its own cgroup, so a process that calls setsid
 * and drops its job tag from its environment is still stopped; limits (memory, pids, cpu) are
 * applied through the cgroup, a memory hog is killed by its limit and reported, and CPU/memory
 * come from the cgroup. With `HERO_PROC_CGROUPS=off` (the fallback run of `npm test`) the same
 * file checks that the fallback is reported and limits are said not to be enforced.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { openTestSupervisor, pidAlive, waitFor } from "../test_support.ts";
import { serviceStatus } from "./service_status.ts";
import type { Supervisor } from "./supervisor.ts";

const FALLBACK = /^(off|0|false|no|none)$/i.test(process.env.HERO_PROC_CGROUPS ?? "");

/** A service whose grandchild leaves the group and scrubs its tag; returns the grandchild pid. */
async function startEscapee(sup: Supervisor, dir: string, name: string): Promise<number> {
  const pidFile = path.join(dir, `${name}.pid`);
  await sup.setService({
    name,
    exec: [
      "sh",
      "-c",
      `setsid env -u HERO_PROC_JOB sh -c 'echo $$ > ${pidFile}; exec sleep 1000' & exec sleep 999`,
    ],
  });
  sup.startService(name);
  const pid = await waitFor("escapee pid", () => {
    const t = fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim();
    return t && pidAlive(Number(t)) ? Number(t) : 0;
  });
  // The escapee can write its pid before hero_proc has recorded the job as running (the shim's
  // pid report is still on its way): the job's processes are listed from then on.
  const [r] = sup.runners(name);
  await waitFor("job running", () => r.state === "running" && r.job?.child !== undefined);
  return pid;
}

test("containment mode is detected and reported", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    if (FALLBACK) {
      assert.equal(sup.containment.mode, "process-group");
      assert.match(sup.containment.notes.join(), /HERO_PROC_CGROUPS=off/);
      return;
    }
    // CI and developers' machines here run as root with a writable cgroup tree.
    assert.equal(sup.containment.mode, "cgroup", sup.containment.notes.join("; "));
    assert.ok(sup.containment.v2 && fs.existsSync(sup.containment.v2));
    assert.deepEqual(sup.containment.limits, ["cpu", "memory", "pids"]);
  } finally {
    await close();
  }
});

test(
  "a setsid + env -u HERO_PROC_JOB escapee is in the job's cgroup and stopped with the service",
  {
    skip: FALLBACK && "a scrubbed, detached process cannot be found without cgroups",
  },
  async () => {
    const { sup, dir, close } = await openTestSupervisor();
    try {
      const esc = await startEscapee(sup, dir, "esc");
      const st = await serviceStatus(sup, "esc");
      const a = st.actions[0];
      assert.ok(a.processes.some((p) => p.pid === esc), "the escapee is listed as the job's");
      assert.equal(a.usage_source, "cgroup");
      assert.ok(a.memory_bytes > 0);
      const cgdir = path.join(sup.containment.v2!, a.cgroup!);
      assert.ok(fs.readFileSync(path.join(cgdir, "cgroup.procs"), "utf8").includes(String(esc)));
      await sup.stopService("esc");
      assert.equal(pidAlive(esc), false, "the escapee is gone when stop returns");
      assert.equal(fs.existsSync(cgdir), false, "the job's cgroup is removed");
    } finally {
      await close();
    }
  },
);

test("an escapee is stopped when the supervisor closes, and the instance cgroups go", {
  skip: FALLBACK && "a scrubbed, detached process cannot be found without cgroups",
}, async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const esc = await startEscapee(sup, dir, "esc2");
  const instance = sup.containment.v2!;
  await close();
  assert.equal(pidAlive(esc), false);
  assert.equal(fs.existsSync(instance), false);
});

test("a memory hog is killed by its limit, reported as such, and restarted per its policy", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({
      name: "hog",
      exec: ["tail", "/dev/zero"],
      limits: { memory: "32M" },
      restart: { policy: "on-failure", max_restarts: 1, delay_ms: 50 },
    });
    sup.startService("hog");
    const r = sup.runners("hog")[0];
    if (FALLBACK) {
      await waitFor(
        "warning",
        () =>
          sup.ctx.sink.query({ source: "hog.main.supervisor" }).some((l) =>
            /limits not enforced \(memory 32 MiB\): no cgroup/.test(l.message)
          ),
      );
      await sup.stopService("hog");
      return;
    }
    await waitFor("gave up", () => r.state === "failed", 30_000);
    const jobs = sup.store.listJobs({ service: "hog" });
    assert.equal(jobs.length, 2, "started, killed, restarted once, killed");
    for (const j of jobs) {
      assert.equal(j.state, "failed");
      assert.equal(j.signal, "SIGKILL");
      assert.equal(j.reason, "killed by its memory limit (32 MiB)");
    }
    assert.match(r.reason!, /killed by its memory limit/);
    const lines = sup.ctx.sink.query({ source: "hog.main.supervisor" }).map((l) => l.message);
    assert.ok(lines.includes("killed by its memory limit (32 MiB)"), lines.join("\n"));
  } finally {
    await close();
  }
});

test("pids and cpu limits are applied to the job's cgroup", {
  skip: FALLBACK && "limits need cgroups",
}, async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    // Four processes fit (the shell and three sleeps); the fourth fork is refused.
    await sup.setService({
      name: "forky",
      exec: [
        "sh",
        "-c",
        "sleep 100 & sleep 100 & sleep 100 & echo three; sleep 100 & echo four; exec sleep 100",
      ],
      limits: { pids: 4, cpu: "25%" },
      restart: { policy: "never" },
    });
    await sup.setService({
      name: "spin",
      exec: ["sh", "-c", "while :; do :; done"],
      limits: { cpu: "25%" },
    });
    sup.startService("forky");
    sup.startService("spin");
    await waitFor("forky failed", () => sup.runners("forky")[0].state === "failed");
    const out = sup.ctx.sink.query({ source: "forky.main" }).map((l) => l.message);
    assert.ok(out.includes("three"), out.join("\n"));
    assert.ok(!out.includes("four"), out.join("\n"));
    assert.ok(out.some((l) => /fork/i.test(l)), out.join("\n"));
    await waitFor("spin running", () => sup.runners("spin")[0].state === "running");
    const st0 = await serviceStatus(sup, "spin");
    const cpuDir = path.join(sup.containment.v1.cpu!, st0.actions[0].cgroup!);
    assert.equal(fs.readFileSync(path.join(cpuDir, "cpu.cfs_quota_us"), "utf8").trim(), "25000");
    await new Promise((r) => setTimeout(r, 1500));
    const st = await serviceStatus(sup, "spin");
    // A busy loop held to a quarter of a CPU, as the cgroup's own accounting shows.
    assert.ok(st.cpu_percent > 5 && st.cpu_percent < 40, `cpu ${st.cpu_percent}%`);
  } finally {
    await close();
  }
});
