/** The hero_proc CLI as a user runs it: real daemon in the background, real commands, real output. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { daemonEnv, LAUNCHER, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { ...process.env, ...env, NO_COLOR: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("CLI: start, service add, list, status, run, jobs, logs, errors, stop", () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  try {
    let r = cli(env, "list");
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /hero_proc is not running \(no daemon at .*rpc\.sock\)\.\nStart it with: hero_proc start/,
    );

    r = cli(env, "start");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /hero_proc started \(pid \d+\)/);
    r = cli(env, "start");
    assert.match(r.out, /already running/);
    r = cli(env, "info");
    assert.equal(JSON.parse(r.out).code, "dist", "the daemon runs the JavaScript build");

    r = cli(env, "service", "add", "sleeper", "--", "sleep", "300");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Added service "sleeper"/);
    r = cli(
      env,
      "service",
      "add",
      "greeter",
      "--oneshot",
      "--env",
      "WHO=world",
      "--",
      "echo hello $WHO",
    );
    assert.equal(r.code, 0, r.err);
    r = cli(env, "service", "start", "sleeper");
    assert.match(r.out, /sleeper: running \(pid \d+\)/);

    r = cli(env, "list");
    assert.equal(r.code, 0);
    const lines = r.out.trim().split("\n");
    assert.match(lines[0], /^name\s+state\s+pid\s+uptime\s+restarts\s+health\s+cpu\s+memory$/);
    assert.match(r.out, /sleeper\s+running\s+\d+\s+\S+\s+0\s+unknown\s+[\d.]+%\s+[\d.]+[km]b/);
    assert.ok(!r.out.includes("\x1b["), "no colour when not on a TTY");

    r = cli(env, "list", "--json");
    const list = JSON.parse(r.out) as { name: string; state: string; pid: number }[];
    assert.deepEqual(list.map((s) => [s.name, s.state]), [["greeter", "succeeded"], [
      "sleeper",
      "running",
    ]]);

    r = cli(env, "status", "greeter");
    assert.match(r.out, /greeter\s+succeeded/);
    assert.match(r.out, /greeter\.main\.stdout hello world/);

    r = cli(env, "status", "sleepr");
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown service "sleepr"; did you mean "sleeper"\?/);

    r = cli(env, "run", "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 5");
    assert.equal(r.code, 5);
    assert.equal(r.out, "to-out\n");
    assert.match(r.err, /to-err\n/);

    r = cli(env, "jobs", "--json");
    const jobs = JSON.parse(r.out) as { service: string; exit_code: number }[];
    assert.equal(jobs[0].exit_code, 5);

    r = cli(env, "logs", "greeter", "--json");
    assert.equal(JSON.parse(r.out.trim().split("\n")[0]).message, "hello world");

    r = cli(env, "service", "remove", "sleeper");
    assert.equal(r.code, 0, r.err);
    r = cli(env, "bogus");
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown command "bogus"/);
  } finally {
    const r = cli(env, "stop");
    assert.match(r.out, /hero_proc stopped|not running/);
    cleanup();
  }
});

test("CLI: logs -f follows new lines until interrupted", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    await d.client.call("service.set", {
      service: {
        name: "ticker",
        exec: "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done",
      },
    });
    const child = spawn(process.execPath, [LAUNCHER, "logs", "ticker", "-f", "-n", "1"], {
      env: { ...process.env, ...daemonEnv(dir) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (c) => (out += c));
    await waitFor("5 followed lines", () => out.trim().split("\n").length >= 5, 15_000);
    const ticks = out.trim().split("\n").map((l) => Number(/tick (\d+)$/.exec(l)?.[1]));
    for (let i = 1; i < ticks.length; i++) {
      assert.equal(ticks[i], ticks[i - 1] + 1, "no line lost or repeated");
    }
    child.kill("SIGINT");
    const code = await new Promise((r) => child.once("exit", (c, s) => r(c ?? s)));
    assert.equal(code, 0);
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("CLI: stop exits non-zero with a clear message when the daemon dies before everything stopped", async () => {
  const { dir, cleanup } = tempDir();
  let d = await startDaemonProcess(dir);
  try {
    // A service that ignores SIGTERM keeps the shutdown busy for its 2 s stop timeout.
    await d.client.call("service.set", {
      service: {
        name: "stubborn",
        exec: ["sh", "-c", "trap '' TERM; exec sleep 300"],
        stop: { signal: "SIGTERM", timeout_ms: 2000 },
      },
    });
    await waitFor(
      "running",
      async () =>
        (await d.client.call<{ state: string }>("service.status", { name: "stubborn" })).state ===
          "running",
    );
    const child = spawn(process.execPath, [LAUNCHER, "stop"], {
      env: { ...process.env, ...daemonEnv(dir) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c) => (err += c));
    const exit = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    await waitFor("stopping", async () => {
      const s = await d.client.call<{ state: string }>("service.status", { name: "stubborn" });
      return s.state === "stopping";
    }).catch(() => new Promise((r) => setTimeout(r, 500)));
    process.kill(d.pid, "SIGKILL");
    assert.equal(await exit, 1);
    assert.match(err, /did not confirm that every service stopped/);
    await d.exited;
    d.client.close();
    // The normal path: everything stops, exit 0.
    d = await startDaemonProcess(dir);
    const r = cli(daemonEnv(dir), "stop");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /hero_proc stopped \(pid \d+\)/);
    await d.exited;
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("CLI: upgrade hands over to a new daemon and the service keeps its pid", {
  skip: /^(off|0|false|no)$/i.test(process.env.HERO_PROC_SHIM ?? "") && "needs hero_shim",
}, () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  try {
    let r = cli(env, "start");
    assert.equal(r.code, 0, r.err);
    r = cli(env, "service", "add", "keeper", "--", "sleep", "300");
    assert.equal(r.code, 0, r.err);
    const before = JSON.parse(cli(env, "status", "keeper", "--json").out);
    r = cli(env, "upgrade");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /hero_proc upgraded \(pid \d+ -> \d+\); 1 action\(s\) kept running/);
    const after = JSON.parse(cli(env, "status", "keeper", "--json").out);
    assert.equal(after.pid, before.pid);
    assert.equal(after.state, "running");
    assert.equal(after.actions[0].job_id, before.actions[0].job_id);
  } finally {
    cli(env, "stop");
    cleanup();
  }
});
