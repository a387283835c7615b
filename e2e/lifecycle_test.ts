/**
 * The SDK lifecycle against a real hero_proc process: `start` registers, starts and waits for
 * health; `status`, `logs` and `stop` act on the registration; and the three failures a user
 * meets — the binary crashes at boot, it never becomes healthy, hero_proc is not running —
 * each end with a non-zero exit and a message saying what failed and what to do.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { RpcClient } from "../sdk/mod.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const node = path.join(repo, "node_modules/node/bin/node");
const nodeArgs = ["--disable-warning=ExperimentalWarning"];
const fixture = path.join(repo, "e2e/fixtures/lifecycle_fixture.ts");
const notes = path.join(repo, "examples/notes/main.ts");
const heroProc = path.join(repo, "proc/bin/hero_proc.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
  opts: { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(node, [...nodeArgs, file, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
    opts.onSpawn?.(child);
  });
}

/**
 * Holds the `start` process `cli` (SIGSTOP) once a new job directory appears under `jobs`, until
 * the hanging fixture's line is captured, then lets it go; true when it was held.
 */
async function holdUntilPrinted(
  cli: ChildProcess,
  where: { jobs: string; before: Set<string>; socket: string },
): Promise<boolean> {
  const { jobs, before } = where;
  const client = new RpcClient(where.socket);
  let held = false;
  try {
    while (cli.exitCode === null && cli.signalCode === null) {
      const now = fsSync.existsSync(jobs) ? fsSync.readdirSync(jobs) : [];
      if (now.some((n) => !before.has(n))) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    held = cli.kill("SIGSTOP");
    for (let i = 0; i < 600; i++) {
      const page = await client.call<{ lines: unknown[] }>("logs.query", {
        source: "hanger",
        text: "database that never comes",
      });
      if (page.lines.length) return held;
      await new Promise((res) => setTimeout(res, 50));
    }
    return false;
  } catch {
    return false;
  } finally {
    client.close();
    cli.kill("SIGCONT");
  }
}

/** The FIXTURE_MARKER the running fixture `name` logged (its logger flushes within a second). */
async function loggedMarker(proc: RpcClient, name: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const page = await proc.call<{ lines: { fields?: { env_marker: string } }[] }>(
      "logs.query",
      { source: `${name}.http` },
    );
    const marker = page.lines[0]?.fields?.env_marker;
    if (marker) return marker;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe("service lifecycle with hero_proc", () => {
  let dir: string;
  let env: Record<string, string>;
  let daemon: ReturnType<typeof spawn>;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-lifecycle-"));
    env = { PATH_SOCKET: path.join(dir, "s"), HERO_PROC_LOG_MIN_FREE: "0" };
    daemon = spawn(node, [
      ...nodeArgs,
      heroProc,
      "serve",
      "--state-dir",
      path.join(dir, "state"),
      "--config-dir",
      path.join(dir, "cfg"),
    ], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const sock = path.join(dir, "s/hero_proc/rpc.sock");
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const c = new RpcClient(sock, { timeoutMs: 1000 });
        await c.call("system.info");
        c.close();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });

  after(async () => {
    daemon.kill("SIGTERM");
    await new Promise((r) => daemon.once("exit", r));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("notes: start registers and waits for health; status, logs, stop act on it", async () => {
    const db = path.join(dir, "notes.db");
    const started = await run(notes, ["start", "--run-args", `--db ${db}`], env);
    assert.equal(started.code, 0, started.stderr);
    assert.match(
      started.stdout,
      /^notes is running \(pid \d+\) and healthy, supervised by hero_proc/,
    );
    const client = new RpcClient(path.join(dir, "s/notes/rpc.sock"));
    const note = await client.call<{ id: number }>("notes.create", { title: "via hero_proc" });
    assert.ok(note.id >= 1);
    client.close();
    const status = await run(notes, ["status"], env);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /^notes: running \(pid \d+\), health healthy/);
    // The service's own logger ships within a second; captured stdout is there at once.
    let logs = await run(notes, ["logs", "-n", "20"], env);
    for (let i = 0; i < 10 && !/INFO {2}notes serving/.test(logs.stdout); i++) {
      await new Promise((r) => setTimeout(r, 300));
      logs = await run(notes, ["logs", "-n", "20"], env);
    }
    assert.equal(logs.code, 0);
    assert.match(logs.stdout, /INFO {2}notes serving on .*notes\/rpc\.sock/, "the HeroLogger line");
    assert.match(
      logs.stdout,
      /notes\.main\.stdout notes is serving on/,
      "the captured stdout line",
    );
    const stopped = await run(notes, ["stop"], env);
    assert.equal(stopped.code, 0);
    assert.match(stopped.stdout, /notes stopped/);
    const after = await run(notes, ["status"], env);
    assert.equal(after.code, 3);
    assert.match(after.stdout, /^notes: stopped/);
  });

  it("on Deno: start registers the binary with deno as its runtime; stop stops it", async () => {
    const deno = path.join(repo, "node_modules/deno/deno");
    const runDeno = (args: string[]) =>
      new Promise<Run>((resolve) => {
        execFile(deno, ["run", "--allow-all", notes, ...args], {
          env: { ...process.env, ...env },
          timeout: 60_000,
        }, (err, stdout, stderr) => {
          resolve({
            code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        });
      });
    const db = path.join(dir, "notes_deno.db");
    const started = await runDeno([
      "start",
      "--service-name",
      "notes_deno",
      "--run-args",
      `--db ${db}`,
    ]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^notes_deno is running \(pid \d+\) and healthy/);
    const proc = new RpcClient(path.join(dir, "s/hero_proc/rpc.sock"));
    try {
      const svc = await proc.call<{ spec: { actions: { exec: string[] }[] } }>("service.get", {
        name: "notes_deno",
      });
      assert.match(svc.spec.actions[0].exec[0], /deno$/);
    } finally {
      proc.close();
    }
    const stopped = await runDeno(["stop", "--service-name", "notes_deno"]);
    assert.equal(stopped.code, 0, stopped.stderr);
  });

  it("the lifecycle's env option is the environment the service runs with under hero_proc", async () => {
    const r = await run(fixture, ["start", "--service-name", "fixture_env"], env);
    assert.equal(r.code, 0, r.stderr);
    const proc = new RpcClient(path.join(dir, "s/hero_proc/rpc.sock"));
    try {
      const svc = await proc.call<{ spec: { actions: { env: Record<string, string> }[] } }>(
        "service.get",
        { name: "fixture_env" },
      );
      const registered = svc.spec.actions[0].env;
      assert.equal(registered.FIXTURE_MARKER, "from-options");
      assert.equal(registered.FIXTURE_ORIGIN, "lifecycle");
      assert.equal(registered.PATH_SOCKET, env.PATH_SOCKET, "beside the socket root it serves in");
      assert.equal(await loggedMarker(proc, "fixture_env"), "from-options", "seen by the process");
    } finally {
      await proc.call("service.stop", { name: "fixture_env" });
      proc.close();
    }
  });

  it("--start with --service-name and --env registers under that name with that environment", async () => {
    const r = await run(fixture, [
      "--start",
      "--service-name",
      "fixture_two",
      "--env",
      "FIXTURE_MARKER=m42",
    ], env);
    assert.equal(r.code, 0, r.stderr);
    const proc = new RpcClient(path.join(dir, "s/hero_proc/rpc.sock"));
    try {
      const svc = await proc.call<
        { spec: { actions: { exec: string[]; env: Record<string, string> }[] } }
      >("service.get", { name: "fixture_two" });
      assert.deepEqual(svc.spec.actions[0].exec.slice(-3), [
        "run",
        "--service-name",
        "fixture_two",
      ]);
      assert.equal(svc.spec.actions[0].env.FIXTURE_MARKER, "m42", "--env overrides `env`");
      assert.equal(svc.spec.actions[0].env.FIXTURE_ORIGIN, "lifecycle", "the rest of `env` stays");
      assert.equal(await loggedMarker(proc, "fixture_two"), "m42");
      // The service's own lines carry its hero_proc job id, like its captured output.
      const st = await proc.call<{ actions: { job_id: number }[] }>("service.status", {
        name: "fixture_two",
      });
      const own = await proc.call<{ lines: { source: string }[] }>("logs.query", {
        job_id: st.actions[0].job_id,
        limit: 100,
      });
      assert.ok(own.lines.some((l) => l.source === "fixture_two.http"));
      assert.ok(own.lines.some((l) => l.source === "fixture_two.main.stdout"));
    } finally {
      await proc.call("service.stop", { name: "fixture_two" });
      proc.close();
    }
  });

  it("a binary that crashes at boot: start exits 1 with the reason and its last lines", async () => {
    const r = await run(fixture, [
      "start",
      "--service-name",
      "crasher",
      "--run-args",
      "--mode crash",
    ], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Cannot start "crasher": it exited during startup/);
    assert.match(r.stderr, /Last log lines:/);
    assert.match(r.stderr, /crasher\.main\.stderr loading \/nope\/fixture\.toml/);
    assert.match(r.stderr, /config file \/nope\/fixture\.toml not found/);
    assert.match(r.stderr, /See more: fixture logs {3}\(or: hero_proc logs crasher\)/);
    const status = await run(fixture, ["status", "--service-name", "crasher"], env);
    assert.notEqual(status.code, 0, "it was stopped, not left crash-looping");
  });

  it("a binary that never becomes healthy: start gives up after --timeout and says so", async () => {
    // Under load the binary may take longer than the 2 s timeout just to boot. So `start` is
    // held (SIGSTOP) from the moment its service has a job until the binary's first lines are
    // captured, then let go (SIGCONT): past its deadline, it gives up at once, and the lines
    // it must show exist whatever the load.
    const jobs = path.join(dir, "state", "jobs");
    const before = new Set(fsSync.existsSync(jobs) ? fsSync.readdirSync(jobs) : []);
    let held: Promise<boolean> | undefined;
    const r = await run(
      fixture,
      [
        "start",
        "--service-name",
        "hanger",
        "--run-args",
        "--mode hang",
        "--timeout",
        "2",
      ],
      env,
      {
        onSpawn: (cli) => (held = holdUntilPrinted(cli, {
          jobs,
          before,
          socket: path.join(dir, "s/hero_proc/rpc.sock"),
        })),
      },
    );
    assert.ok(await held, "start was held until the binary had printed");
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Cannot start "hanger": it is running \(pid \d+\) but its health check did not pass within 2 s/,
    );
    assert.match(r.stderr, /waiting for a database that never comes/);
    assert.match(r.stderr, /hero_proc logs hanger/);
  });

  it("hero_proc is not running: start exits 1 and says how to start it", async () => {
    const r = await run(fixture, ["start"], { PATH_SOCKET: path.join(dir, "empty") });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^hero_proc is not running \(nothing answers on .*empty\/hero_proc\/rpc\.sock\)\.\nStart it with: hero_proc start/,
    );
  });

  it("bad lifecycle arguments are refused before anything is registered", async () => {
    const r = await run(fixture, ["start", "--env", "NOEQUALS"], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Bad --env "NOEQUALS": use NAME=value/);
    const bad = await run(fixture, ["start", "--service-name", "Bad-Name"], env);
    assert.equal(bad.code, 2);
    const help = await run(fixture, ["--help"], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /fixture start \| --start +register with hero_proc/);
    const unknown = await run(fixture, ["restart"], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Unknown command "restart"/);
  });
});
