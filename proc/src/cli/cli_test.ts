/** The hero_proc CLI as a user runs it: real daemon in the background, real commands, real output. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { daemonEnv, LAUNCHER, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

/** Blocks this test's thread for `ms` (the CLI is driven synchronously). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function cli(env: Record<string, string>, args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { ...process.env, ...env, NO_COLOR: "" },
    encoding: "utf8",
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
    cwd,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** RPC method names (`service.start`, `logs.query`) must never reach a CLI user. */
const RPC_NAME = /\b(service|logs|job|system|action)\.[a-z_]+\b/;

test("CLI: help, usage errors and suggestions need no daemon", () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  try {
    let r = cli(env, ["--help"]);
    assert.equal(r.code, 0);
    for (const cmd of ["start", "stop", "restart", "status", "logs", "shutdown", "remove"]) {
      assert.match(r.out, new RegExp(`^  ${cmd}\\b`, "m"), `${cmd} listed`);
    }
    assert.match(
      r.out,
      /Exit codes: 0 success; 1 failure .* 2 bad usage;\n3 hero_proc is not running/,
    );
    r = cli(env, ["logs", "--help"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Usage: hero_proc logs \[NAME\|PREFIX\|JOB_ID\] \[OPTIONS\]/);
    assert.match(r.out, /-n, --lines N/);
    r = cli(env, ["help", "add"]);
    for (const flag of ["--cwd", "--env", "--env-file", "--restart", "--oneshot", "--no-start"]) {
      assert.ok(r.out.includes(flag), `add --help lists ${flag}`);
    }
    assert.match(cli(env, ["run", "--help"]).out, /--detach[\s\S]*--timeout SECONDS/);
    assert.match(cli(env, ["service", "add", "--help"]).out, /Usage: hero_proc service add /);

    r = cli(env, ["lsit"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown command "lsit"; did you mean "list"\?/);
    r = cli(env, ["logs", "--folow"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /Unknown option --folow for "hero_proc logs"; did you mean --follow\?/);
    r = cli(env, ["list", "--oneshot"]);
    assert.equal(r.code, 2, "a flag of another command is refused");
    assert.match(r.err, /Unknown option --oneshot for "hero_proc list"/);
    r = cli(env, ["logs", "-n"]);
    assert.equal(r.code, 2);
    r = cli(env, ["service", "strat", "web"]);
    assert.match(r.err, /Unknown command "strat" for "hero_proc service"; did you mean "start"\?/);

    r = cli(env, ["list"]);
    assert.equal(r.code, 3, "not running has its own exit code");
    assert.match(
      r.err,
      /^hero_proc is not running \(nothing answers on .*rpc\.sock\)\.\nStart it with: hero_proc start\n$/,
    );
    r = cli(env, ["status"]);
    assert.equal(r.code, 3);
  } finally {
    cleanup();
  }
});

test("CLI: PM2-style start/stop/restart/status/logs NAME against a real daemon", () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  const app = path.join(dir, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, "server.js"),
    `console.log("cwd " + process.cwd() + " greeting " + process.env.GREETING + " token " + process.env.TOKEN + " leak " + process.env.LEAK);\nsetInterval(() => {}, 1000);\n`,
  );
  fs.writeFileSync(path.join(app, ".env"), `# comment\nexport TOKEN="s3 cret"\n`);
  try {
    // `start NAME` on a machine without a daemon starts the daemon first and says so.
    let r = cli(env, ["start", "nope"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /hero_proc was not running: hero_proc started \(pid \d+\)/);
    assert.match(r.err, /Unknown service "nope"/);
    // The caller's directory and the variables it names are recorded; nothing else of its shell.
    r = cli({ ...env, GREETING: "hi", LEAK: "no" }, [
      "start",
      "web",
      "--env",
      "GREETING",
      "--env-file",
      ".env",
      "--",
      "node",
      "server.js",
    ], app);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Added service "web" \\(cwd ${app}; env TOKEN, GREETING\\)`));
    assert.match(r.out, /web: running \(pid \d+\)/);
    r = cli(env, ["logs", "web"]);
    assert.match(r.out, new RegExp(`cwd ${app} greeting hi token s3 cret leak undefined`));

    r = cli(env, ["info"]);
    assert.equal(JSON.parse(r.out).code, "dist", "the daemon runs the JavaScript build");

    r = cli(env, ["add", "greeter", "--oneshot", "--env", "WHO=world", "--", "echo hello $WHO"]);
    assert.equal(r.code, 0, r.err);
    // The sleeper notes a HUP instead of dying of it, so `signal` is shown delivered and the
    // service's state does not depend on how fast a restart happens.
    r = cli(env, [
      "add",
      "sleeper",
      "--no-start",
      "--",
      "sh",
      "-c",
      "trap 'echo got HUP' HUP; while :; do sleep 1; done",
    ]);
    assert.match(r.out, /Added service "sleeper"/);
    r = cli(env, ["stop", "sleeper"]);
    assert.match(r.out, /sleeper: stopped/);
    r = cli(env, ["start", "sleeper", "greeter"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /sleeper: running \(pid \d+\)\ngreeter: succeeded/);
    const pid = Number(/sleeper: running \(pid (\d+)\)/.exec(r.out)![1]);
    r = cli(env, ["restart", "sleeper"]);
    assert.equal(r.code, 0, r.err);
    assert.notEqual(Number(/pid (\d+)/.exec(r.out)![1]), pid);

    r = cli(env, ["list"]);
    assert.equal(r.code, 0);
    const lines = r.out.trim().split("\n");
    assert.match(lines[0], /^name\s+state\s+pid\s+uptime\s+restarts\s+health\s+cpu\s+memory$/);
    assert.match(r.out, /sleeper\s+running\s+\d+\s+\S+\s+0\s+unknown\s+[\d.]+%\s+[\d.]+[km]b/);
    assert.ok(!r.out.includes("\x1b["), "no colour when not on a TTY");
    const list = JSON.parse(cli(env, ["ls", "--json"]).out) as { name: string; state: string }[];
    assert.deepEqual(list.map((s) => [s.name, s.state]), [
      ["greeter", "succeeded"],
      ["sleeper", "running"],
      ["web", "running"],
    ]);

    r = cli(env, ["signal", "sleeper", "HUP"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Sent HUP to 1 process group\(s\) of "sleeper"/);
    for (let i = 0; i < 50 && !/got HUP/.test(cli(env, ["logs", "sleeper"]).out); i++) {
      sleepSync(100);
    }
    assert.match(cli(env, ["logs", "sleeper"]).out, /got HUP/);
    r = cli(env, ["signal", "sleeper", "BOGUS"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown signal "BOGUS"/);
    r = cli(env, ["cat", "web"]);
    assert.deepEqual(JSON.parse(r.out).spec.actions[0].cwd, app);
    r = cli(env, ["describe", "greeter"]);
    assert.match(r.out, /greeter\s+succeeded/);
    assert.match(r.out, /INFO {2}greeter\.main\.stdout hello world/);
    r = cli(env, ["status", "sleepr"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown service "sleepr"; did you mean "sleeper"\?/);

    // `stop NAME` stops only that service; the daemon and the others keep running.
    r = cli(env, ["stop", "web"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^web: stopped$/m);
    r = cli(env, ["ls", "--json"]);
    assert.deepEqual(
      (JSON.parse(r.out) as { name: string; state: string }[]).map((s) => s.state),
      ["succeeded", "running", "stopped"],
    );
    // Without a name and without a terminal, stop refuses and names shutdown.
    r = cli(env, ["stop"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /hero_proc shutdown/);

    r = cli(env, ["run", "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 5"]);
    assert.equal(r.code, 5);
    assert.equal(r.out, "to-out\n");
    assert.match(r.err, /to-err\n/);
    const jobs = JSON.parse(cli(env, ["jobs", "--json"]).out) as { exit_code: number }[];
    assert.equal(jobs[0].exit_code, 5);

    r = cli(env, ["logs", "greeter", "--json"]);
    assert.equal(JSON.parse(r.out.trim().split("\n")[0]).message, "hello world");
    r = cli(env, ["logs", "greter"]);
    assert.equal(r.code, 1, "an unknown source is an error");
    assert.match(r.err, /No log source or service is named "greter"; did you mean "greeter"\?/);

    // A command that fails to start says why at once, with its own last lines.
    const t0 = Date.now();
    r = cli(env, ["start", "crash", "--", "sh", "-c", "echo cannot open db.sqlite >&2; exit 3"]);
    assert.equal(r.code, 1);
    assert.ok(Date.now() - t0 < 15_000, "fails fast");
    assert.match(r.err, /Cannot start "crash": main exited during start \(exited with code 3\)/);
    assert.match(r.err, /crash\.main\.stderr: cannot open db\.sqlite/);
    assert.match(r.err, /More: hero_proc logs crash/);
    r = cli(env, ["delete", "crash", "web"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Removed service "crash"[\s\S]*Removed service "web"/);
    r = cli(env, ["rm", "crash"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown service "crash"/);

    for (const args of [["logs", "--since", "yesterday"], ["restart", "nope"], ["start", "nope"]]) {
      r = cli(env, args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.doesNotMatch(r.err, RPC_NAME, `${args.join(" ")}: ${r.err}`);
    }
  } finally {
    const r = cli(env, ["shutdown"]);
    assert.match(r.out, /hero_proc stopped \(pid \d+\) with every service|not running/);
    cleanup();
  }
});

test("CLI: logs pages through any -n (past the daemon's page size)", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    const now = Date.now();
    for (let b = 0; b < 3; b++) {
      const lines = Array.from({ length: 9000 }, (_, i) => ({
        ts: now - 60_000 + b * 9000 + i,
        source: "bulk.work",
        level: "info",
        message: `line ${b * 9000 + i}`,
      }));
      await d.client.call("logs.insert", { lines });
    }
    await waitFor("lines indexed", async () => {
      const p = await d.client.call<{ lines: unknown[] }>("logs.query", {
        source: "bulk",
        limit: 10_000,
        text: "line",
      });
      return p.lines.length === 10_000;
    }, 30_000);
    const r = cli(daemonEnv(dir), ["logs", "bulk", "-n", "25000"]);
    assert.equal(r.code, 0, r.err);
    const out = r.out.trim().split("\n");
    assert.equal(out.length, 25_000);
    assert.match(out[0], /line 2000$/);
    assert.match(out.at(-1)!, /line 26999$/);
    assert.deepEqual(
      out.map((l) => Number(/line (\d+)$/.exec(l)![1])).filter((n, i, a) =>
        i && n !== a[i - 1] + 1
      ),
      [],
      "in order, none lost or repeated",
    );
  } finally {
    // A daemon that cannot be asked to stop is stopped anyway, so the test never hangs.
    await d.client.call("system.shutdown").catch(() => process.kill(d.pid, "SIGTERM"));
    await d.exited;
    d.client.close();
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
    // A daemon that cannot be asked to stop is stopped anyway, so the test never hangs.
    await d.client.call("system.shutdown").catch(() => process.kill(d.pid, "SIGTERM"));
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("CLI: shutdown exits non-zero with a clear message when the daemon dies before everything stopped", async () => {
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
    const child = spawn(process.execPath, [LAUNCHER, "shutdown"], {
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
    const r = cli(daemonEnv(dir), ["shutdown"]);
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
    let r = cli(env, ["start"]);
    assert.equal(r.code, 0, r.err);
    r = cli(env, ["service", "add", "keeper", "--", "sleep", "300"]);
    assert.equal(r.code, 0, r.err);
    const before = JSON.parse(cli(env, ["status", "keeper", "--json"]).out);
    r = cli(env, ["upgrade"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /hero_proc upgraded \(pid \d+ -> \d+\); 1 action\(s\) kept running/);
    const after = JSON.parse(cli(env, ["status", "keeper", "--json"]).out);
    assert.equal(after.pid, before.pid);
    assert.equal(after.state, "running");
    assert.equal(after.actions[0].job_id, before.actions[0].job_id);
  } finally {
    cli(env, ["shutdown"]);
    cleanup();
  }
});
