/**
 * hero_proc as PID 1 in a PID namespace of its own (`unshare --pid --fork --mount-proc`, as
 * root): orphans that the kernel re-parents to it are reaped, SIGTERM stops the services
 * dependents first within their stop timeouts, and the exit code says whether anything had to
 * be killed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { after, describe, it } from "node:test";
import { RpcClient } from "@hero/sdk";
import { readProc } from "../supervisor/proc_table.ts";
import { daemonEnv, LAUNCHER, tempDir, waitFor } from "../test_support.ts";
import { INIT_EXIT } from "./pid1.ts";

interface Pid1 {
  /** The daemon's pid as seen from here (it is 1 inside its namespace). */
  hostPid: number;
  client: RpcClient;
  exited: Promise<{ code: number | null; stderr: string }>;
}

/** Starts `hero_proc serve` as PID 1 of a new PID namespace. */
async function startAsPid1(dir: string): Promise<Pid1> {
  const paths = daemonEnv(dir);
  const env = { ...process.env, ...paths };
  const unshare = spawn(
    "unshare",
    ["--pid", "--fork", "--mount-proc", process.execPath, LAUNCHER, "serve"],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  unshare.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; stderr: string }>((r) =>
    unshare.once("exit", (code) => r({ code, stderr }))
  );
  let done = false;
  exited.then(() => (done = true));
  const client = new RpcClient(path.join(paths.PATH_SOCKET, "hero_proc/rpc.sock"), {
    timeoutMs: 30_000,
  });
  await waitFor("hero_proc healthy as PID 1", async () => {
    if (done) throw new Error(`unshare exited: ${stderr}`);
    return (await client.call<{ pid: number }>("system.info")).pid === 1;
  }, 20_000);
  const children = fs.readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, "utf8");
  return { hostPid: Number(children.trim().split(" ")[0]), client, exited };
}

/** SIGKILL to a namespace's init ends the whole namespace (used when a test failed early). */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Zombies whose parent is `parent` (host pids). */
function zombiesOf(parent: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p && p.ppid === parent && p.state === "Z") out.push(p.pid);
  }
  return out;
}

/** Every process of the namespace whose init is `hostPid` (by its descendants here). */
function descendants(hostPid: number): number[] {
  const out: number[] = [];
  const walk = (pid: number) => {
    let kids = "";
    try {
      for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
        kids += fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8") + " ";
      }
    } catch {
      return;
    }
    for (const k of kids.split(" ").filter(Boolean).map(Number)) (out.push(k), walk(k));
  };
  walk(hostPid);
  return out;
}

describe("hero_proc as PID 1", () => {
  const t = tempDir("hero_proc_pid1_");
  after(() => t.cleanup());

  it("reaps the orphans of a double-forking service: no zombie is left", async () => {
    const dir = path.join(t.dir, "reap");
    const d = await startAsPid1(dir);
    try {
      // Each round, a subshell starts a short sleep in the background and exits at once: the
      // sleep is re-parented to PID 1 and exits there (a zombie unless PID 1 reaps it).
      await d.client.call("service.set", {
        service: {
          name: "forker",
          actions: {
            main: {
              exec: "i=0; while [ $i -lt 40 ]; do i=$((i+1)); (sleep 0.05 &); sleep 0.02; done; " +
                "touch done; exec sleep 1000",
              cwd: dir,
            },
          },
        },
      });
      await waitFor("40 rounds done", () => fs.existsSync(path.join(dir, "done")), 20_000);
      await waitFor("no zombie under PID 1", () => zombiesOf(d.hostPid).length === 0, 3000);
      const info = await d.client.call<{ pid: number }>("service.status", { name: "forker" });
      assert.ok(info, "the service still runs");
      // Every orphan was a distinct process: 40 of them were reaped by PID 1, none left over.
      process.kill(d.hostPid, "SIGTERM");
      const { code, stderr } = await d.exited;
      assert.equal(code, INIT_EXIT.clean, stderr);
      const reaped = Number(/reaped (\d+) orphan/.exec(stderr)?.[1]);
      assert.ok(reaped >= 40, `reaped ${reaped} orphans: ${stderr}`);
    } finally {
      d.client.close();
      killQuietly(d.hostPid);
    }
  });

  it("SIGTERM stops dependents first, each within its stop timeout, and exits 0", async () => {
    const dir = path.join(t.dir, "order");
    const d = await startAsPid1(dir);
    const log = path.join(dir, "order.log");
    const svc = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      ...extra,
      actions: {
        main: {
          // A shell that records its own stop; `wait` lets the trap run at once.
          exec: `trap 'echo ${name} >> ${log}; exit 0' TERM; sleep 1000 & wait`,
          stop: { signal: "SIGTERM", timeout_ms: 3000 },
        },
      },
    });
    try {
      await d.client.call("service.set", { service: svc("db") });
      await d.client.call("service.set", { service: svc("app", { requires: ["db"] }) });
      await d.client.call("service.set", { service: svc("web", { requires: ["app"] }) });
      await d.client.call("service.start", { name: "web", wait: true, timeout_ms: 10_000 });
      // Until each sleep has exec'd: a SIGTERM between dash's fork and exec is lost by the child.
      await waitFor(
        "three shells and their sleeps",
        () => descendants(d.hostPid).filter((p) => readProc(p)?.comm === "sleep").length === 3,
      );
      const t0 = Date.now();
      process.kill(d.hostPid, "SIGTERM");
      const { code, stderr } = await d.exited;
      assert.equal(code, INIT_EXIT.clean, stderr);
      assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
      assert.deepEqual(fs.readFileSync(log, "utf8").trim().split("\n"), ["web", "app", "db"]);
      assert.equal(zombiesOf(d.hostPid).length, 0);
    } finally {
      d.client.close();
      killQuietly(d.hostPid);
    }
  });

  it("kills a service that ignores SIGTERM after its stop timeout and exits 2", async () => {
    const dir = path.join(t.dir, "stubborn");
    const d = await startAsPid1(dir);
    try {
      await d.client.call("service.set", {
        service: {
          name: "stubborn",
          actions: {
            main: {
              // The marker says the trap is set: a SIGTERM sent earlier would end the shell.
              exec: `trap '' TERM; touch ${path.join(dir, "trapped")}; ` +
                "while true; do sleep 0.1; done",
              stop: { signal: "SIGTERM", timeout_ms: 500 },
            },
          },
        },
      });
      await d.client.call("service.start", { name: "stubborn", wait: true });
      await waitFor("the trap set", () => fs.existsSync(path.join(dir, "trapped")));
      const t0 = Date.now();
      process.kill(d.hostPid, "SIGTERM");
      const { code, stderr } = await d.exited;
      const ms = Date.now() - t0;
      assert.equal(code, INIT_EXIT.killed, stderr);
      assert.ok(ms >= 500 && ms < 5000, `stopped after ${ms} ms (timeout 500 ms)`);
    } finally {
      d.client.close();
      killQuietly(d.hostPid);
    }
  });

  it("SIGINT stops too, and a process left behind in the namespace is ended", async () => {
    const dir = path.join(t.dir, "stray");
    const d = await startAsPid1(dir);
    try {
      // What `docker exec` leaves behind: a process started in the namespace from outside,
      // whose parent there exits; it is re-parented to PID 1, and no service or job knows it.
      execFileSync("nsenter", [
        "--target",
        String(d.hostPid),
        "--pid",
        "--mount",
        "--",
        "sh",
        "-c",
        "sleep 1000 < /dev/null > /dev/null 2>&1 &",
      ]);
      const alive = () =>
        descendants(d.hostPid).filter((p) => {
          const x = readProc(p);
          return x?.comm === "sleep" && x.state !== "Z";
        });
      await waitFor("the stray re-parented to PID 1", () => alive().length === 1);
      assert.equal(alive().length, 1, "the stray sleep runs");
      process.kill(d.hostPid, "SIGINT");
      const { code, stderr } = await d.exited;
      assert.equal(code, INIT_EXIT.clean, stderr);
      assert.match(stderr, /ended 1 process\(es\) left outside any service/);
      assert.equal(descendants(d.hostPid).length, 0);
    } finally {
      d.client.close();
      killQuietly(d.hostPid);
    }
  });
});
