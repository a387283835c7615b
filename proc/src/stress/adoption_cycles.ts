/**
 * The adoption scenario (issue: a supervisor whose own failure is invisible to its services),
 * behind `adoption_test.ts` and `npm run stress`: ten services of every shape under a real
 * hero_proc that is killed with SIGKILL or upgraded (`system.upgrade`) again and again. After
 * each hand-over every action must have the same pid and the same job (nothing restarted),
 * numbered output lines must be stored exactly once end to end, and a service that exited
 * while no daemon ran must have its exit code recorded and be restarted per its policy. At the
 * end, stop and restart are checked on adopted actions.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { RpcClient } from "@hero/sdk";
import { startDaemonProcess, tempDir, waitFor } from "../test_support.ts";
import { linesOf } from "./kill_flood.ts";
import { markedPids } from "./crash_cycles.ts";
import { anyThreadAlive } from "../supervisor/proc_table.ts";

/** What the scenario measured. */
export interface AdoptionResult {
  kills: number;
  upgrades: number;
  /** Actions whose pid or job changed across a hand-over (restarted), and how. */
  restarted: number;
  restarts: string[];
  /** Numbered lines missing or stored more than once (chatty logger and TTY service). */
  lostLines: number;
  duplicatedLines: number;
  numberedLines: number;
  /** Exits in the gap recorded with their code, out of those provoked. */
  gapExitsRecorded: number;
  gapExits: number;
  /** Hand-over time (kill or upgrade call to the new daemon answering), median and max ms. */
  handoverMedianMs: number;
  handoverMaxMs: number;
  /** Stop and restart of adopted actions worked. */
  stopRestartOk: boolean;
  /** hero_shim resident memory per service (KiB): mean, max. */
  shimRssKb: { mean: number; max: number };
  /** Marked processes alive after the final shutdown. */
  orphansAfterShutdown: number;
}

interface Status {
  name: string;
  state: string;
  pid: number | null;
  actions: { job_id: number | null; pid: number | null }[];
}

const FALLBACK = /^(off|0|false|no|none)$/i.test(process.env.HERO_PROC_CGROUPS ?? "");

/**
 * `sleep` argument that marks a service's processes for the `/proc` scans: `<t>00000.<m>`
 * seconds (41 becomes 4,100,000 s, 47 days), so no quiet service ends on its own during the run.
 * A bare `<t>.<m>` would be t seconds: each would end, and be restarted per its policy, after
 * 41–47 s, which a long run counted as restarts caused by the hand-over.
 */
function sleepMarker(t: string, m: string): string {
  return `${t}00000.${m}`;
}

function services(m: string, flag: string) {
  const tag = (t: string) => sleepMarker(t, m);
  return [
    { name: "long", exec: ["sleep", tag("41")] },
    { name: "forking", exec: ["sh", "-c", `sleep ${tag("42")} & sleep ${tag("42")} & wait`] },
    { name: "doublefork", exec: ["sh", "-c", `(sleep ${tag("43")} &); exec sleep ${tag("43")}`] },
    // Without cgroups a detached process that drops its tag cannot be found (containment_test).
    ...(FALLBACK ? [] : [{
      name: "escapee",
      exec: [
        "sh",
        "-c",
        `setsid env -u HERO_PROC_JOB sleep ${tag("44")} & exec sleep ${tag("44")}`,
      ],
    }]),
    {
      name: "tty",
      tty: true,
      exec: ["sh", "-c", 'i=0; while :; do i=$((i+1)); echo "t $i"; sleep 0.02; done'],
    },
    {
      name: "chatty",
      exec: [
        "sh",
        "-c",
        'i=0; while :; do i=$((i+1)); echo "c $i"; [ $((i % 100)) -eq 0 ] && sleep 0.01; done',
      ],
    },
    {
      name: "stubborn",
      exec: ["sh", "-c", `trap '' TERM; exec sleep ${tag("45")}`],
      stop: { signal: "SIGTERM", timeout_ms: 1000 },
    },
    { name: "healthy", exec: ["sleep", tag("46")], health: { exec: ["true"], interval_ms: 200 } },
    { name: "limited", exec: ["sleep", tag("47")], limits: { memory: "64M", pids: 20 } },
    {
      name: "gap",
      exec: ["sh", "-c", `while [ ! -e ${flag} ]; do sleep 0.05; done; exit 7`],
      restart: { policy: "always", delay_ms: 100, max_restarts: 0 },
    },
  ];
}

/** The daemon answering on the socket now: its pid and a client. */
async function attach(socket: string, notPid?: number): Promise<{ pid: number; rpc: RpcClient }> {
  const rpc = new RpcClient(socket, { timeoutMs: 30_000 });
  const pid = await waitFor("a daemon answering", async () => {
    const info = await rpc.call<{ pid: number }>("system.info");
    return info.pid !== notPid ? info.pid : 0;
  }, 30_000);
  return { pid, rpc };
}

/** Runs `kills` kill -9 and `upgrades` upgrade hand-overs; cleans everything up. */
export async function runAdoptionCycles(kills: number, upgrades: number): Promise<AdoptionResult> {
  const { dir, cleanup } = tempDir("hero_adopt_");
  const m = `${process.pid}${Date.now() % 100000}`;
  const flag = path.join(dir, "exit_now");
  const defs = services(m, flag);
  const first = await startDaemonProcess(dir);
  const socket = path.join(first.env.PATH_SOCKET, "hero_proc", "rpc.sock");
  let rpc = first.client;
  let pid = first.pid;
  let daemonErr = first.stderr;
  const r: AdoptionResult = {
    kills,
    upgrades,
    restarted: 0,
    restarts: [],
    lostLines: 0,
    duplicatedLines: 0,
    numberedLines: 0,
    gapExitsRecorded: 0,
    gapExits: 0,
    handoverMedianMs: 0,
    handoverMaxMs: 0,
    stopRestartOk: false,
    shimRssKb: { mean: 0, max: 0 },
    orphansAfterShutdown: 0,
  };
  const handovers: number[] = [];
  const snapshot = async () => {
    const out = new Map<string, { pid: number | null; job: number | null }>();
    for (const s of await rpc.call<Status[]>("service.list")) {
      out.set(s.name, { pid: s.actions[0]?.pid ?? null, job: s.actions[0]?.job_id ?? null });
    }
    return out;
  };
  const allRunning = async () => {
    const list = await rpc.call<Status[]>("service.list");
    return list.length === defs.length && list.every((s) => s.state === "running" && s.pid);
  };
  try {
    for (const def of defs) await rpc.call("service.set", { service: def });
    await waitFor("all running", allRunning, 20_000);
    r.shimRssKb = shimRss(dir);
    const plan = [
      ...Array.from({ length: kills }, () => "kill"),
      ...Array.from({ length: upgrades }, () => "upgrade"),
    ];
    for (let c = 0; c < plan.length; c++) {
      await new Promise((res) => setTimeout(res, 150));
      const before = await snapshot();
      // Every third hand-over, the gap service exits while no daemon runs.
      const gapExit = c % 3 === 2;
      const t0 = Date.now();
      if (plan[c] === "kill") {
        process.kill(pid, "SIGKILL");
        await waitFor("daemon gone", () => !anyThreadAlive(pid));
      } else await rpc.call("system.upgrade");
      if (gapExit) {
        fs.writeFileSync(flag, "");
        r.gapExits++;
        await waitFor("gap exit", () => !markedGap(before.get("gap")?.pid), 10_000);
      }
      rpc.close();
      if (plan[c] === "kill") {
        const d = await startDaemonProcess(dir);
        ({ pid, client: rpc } = d);
        daemonErr = d.stderr;
      } else {
        ({ pid, rpc } = await attach(socket, pid));
      }
      handovers.push(Date.now() - t0);
      if (gapExit) {
        const oldJob = before.get("gap")!.job!;
        await waitFor("gap exit recorded", async () => {
          const j = await rpc.call<{ state: string; exit_code: number | null }>("job.get", {
            id: oldJob,
          });
          return j.state !== "running";
        }, 10_000);
        const j = await rpc.call<{ exit_code: number | null }>("job.get", { id: oldJob });
        if (j.exit_code === 7) r.gapExitsRecorded++;
        fs.rmSync(flag, { force: true });
      }
      await waitFor("all running again", allRunning, 20_000);
      const after = await snapshot();
      for (const [name, b] of before) {
        if (name === "gap" && gapExit) continue;
        const a = after.get(name);
        if (!a || a.pid !== b.pid || a.job !== b.job) {
          r.restarted++;
          const old = await rpc.call<{ state: string; reason: string | null }>("job.get", {
            id: b.job,
          }).catch(() => undefined);
          r.restarts.push(
            `${plan[c]} ${c}: ${name} pid ${b.pid}->${a?.pid} job ${b.job}->${a?.job} ` +
              `(${old?.state}: ${old?.reason})`,
          );
        }
      }
    }
    // Numbered lines, end to end: each number once, none missing up to the last stored.
    await new Promise((res) => setTimeout(res, 500));
    for (const [source, prefix] of [["chatty.main.stdout", "c"], ["tty.main.stdout", "t"]]) {
      const seen = new Map<number, number>();
      for (const l of await linesOf(rpc, source)) {
        const mm = new RegExp(`^${prefix} (\\d+)$`).exec(l.message.trim());
        if (mm) seen.set(Number(mm[1]), (seen.get(Number(mm[1])) ?? 0) + 1);
      }
      let last = 0;
      for (const k of seen.keys()) if (k > last) last = k;
      r.numberedLines += last;
      for (let i = 1; i <= last; i++) {
        const n = seen.get(i) ?? 0;
        if (n === 0) r.lostLines++;
        if (n > 1) r.duplicatedLines += n - 1;
      }
    }
    // Stop and restart work on adopted actions.
    const long0 = (await snapshot()).get("long")!.pid;
    await rpc.call("service.restart", { name: "long", wait: true, timeout_ms: 10_000 });
    const long1 = (await snapshot()).get("long")!.pid;
    const t = Date.now();
    await rpc.call("service.stop", { name: "stubborn" });
    const stopMs = Date.now() - t;
    const stubbornGone = markedPids(sleepMarker("45", m)).size === 0;
    r.stopRestartOk = long1 !== null && long1 !== long0 && stubbornGone && stopMs < 5000;
  } catch (err) {
    // What the daemon said is the first thing to read when a hand-over goes wrong.
    throw new Error(
      `${(err as Error).message}\n--- daemon stderr ---\n${daemonErr().slice(-4000)}`,
    );
  } finally {
    await rpc.call("system.shutdown", { wait: true }).catch(() => {});
    await waitFor("daemon gone", () => !anyThreadAlive(pid), 30_000)
      .catch(() => {});
    rpc.close();
    r.orphansAfterShutdown = markedPids(m).size;
    for (const p of markedPids(m).keys()) process.kill(p, "SIGKILL");
    cleanup();
  }
  handovers.sort((a, b) => a - b);
  r.handoverMedianMs = handovers[Math.floor(handovers.length / 2)] ?? 0;
  r.handoverMaxMs = handovers.at(-1) ?? 0;
  return r;
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

function markedGap(pid: number | null | undefined): boolean {
  return !!pid && fs.existsSync(`/proc/${pid}`) && !isZombie(pid);
}

/** Resident memory of the hero_shim processes holding this scenario's services. */
function shimRss(dir: string): { mean: number; max: number } {
  const sizes: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, "latin1");
      if (!cmd.includes("hero_shim") || !cmd.includes(dir)) continue;
      const status = fs.readFileSync(`/proc/${n}/status`, "latin1");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb) sizes.push(kb);
    } catch { /* gone */ }
  }
  if (!sizes.length) return { mean: 0, max: 0 };
  return {
    mean: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
    max: Math.max(...sizes),
  };
}
