/**
 * The crash-cycle scenario of `npm run stress`, in stop-and-restart mode (`HERO_PROC_SHIM=off`:
 * what recovery does where jobs cannot be adopted, so every leftover must be found and
 * stopped): ten services of every shape (long-running,
 * forking, double fork, setsid + scrubbed environment, TTY, chatty logger, ignoring SIGTERM,
 * health-checked, memory-limited, a oneshot) under a real hero_proc that is killed with
 * SIGKILL and started again, cycle after cycle. After each restart `/proc` is scanned for the
 * marked processes: more than expected is a duplicate or an orphan, fewer is missing. The
 * restart time (start of the new daemon to all running) is measured against the services'
 * own stop timeouts.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { type DaemonProcess, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

/** What the scenario measured. */
export interface CrashCyclesResult {
  cycles: number;
  /** Marked processes over the expected count after a restart (duplicates or orphans). */
  duplicates: number;
  /** Marked processes under the expected count once everything should run again. */
  missing: number;
  /** Marked processes alive after the final shutdown. */
  orphansAfterShutdown: number;
  /** Processes of the escapee shape that survived a crash + recovery. */
  escapees: number;
  /** New daemon start to every service running, ms: median and max. */
  restartMedianMs: number;
  restartMaxMs: number;
  /** Recovery's own stop time (leftovers of every service stopped in parallel), max ms. */
  recoveryStopMaxMs: number;
  /** The longest stop timeout of the services. */
  maxStopTimeoutMs: number;
  containment: string;
}

/** Live (non-zombie) processes whose command line contains `marker`. */
export function markedPids(marker: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, "latin1");
      if (!cmd.includes(marker)) continue;
      const stat = fs.readFileSync(`/proc/${n}/stat`, "latin1");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && state !== "X") out.set(Number(n), cmd.replace(/\0/g, " ").trim());
    } catch { /* gone */ }
  }
  return out;
}

/** The ten services; `expect` is how many `sleep <tag>` processes each runs. */
function services(m: string, dir: string) {
  const s = (tag: string) => `${tag}.${m}`;
  return [
    { expect: { [s("31")]: 1 }, spec: { name: "long", exec: ["sleep", s("31")] } },
    {
      expect: { [s("32")]: 2 },
      spec: { name: "forking", exec: ["sh", "-c", `sleep ${s("32")} & sleep ${s("32")} & wait`] },
    },
    {
      expect: { [s("33")]: 1 },
      spec: { name: "doublefork", exec: ["sh", "-c", `(sleep ${s("33")} &); exec sleep 1000`] },
    },
    {
      expect: { [s("34")]: 1 },
      spec: {
        name: "escapee",
        exec: ["sh", "-c", `setsid env -u HERO_PROC_JOB sleep ${s("34")} & exec sleep 1000`],
      },
    },
    { expect: { [s("35")]: 1 }, spec: { name: "tty", exec: ["sleep", s("35")], tty: true } },
    {
      expect: { [s("36")]: 1 },
      spec: {
        name: "chatty",
        exec: ["sh", "-c", `sleep ${s("36")} & i=0; while :; do i=$((i+1)); echo line $i; done`],
      },
    },
    {
      expect: { [s("37")]: 1 },
      spec: {
        name: "stubborn",
        exec: ["sh", "-c", `trap '' TERM; exec sleep ${s("37")}`],
        stop: { signal: "SIGTERM", timeout_ms: 1000 },
      },
    },
    {
      expect: { [s("38")]: 1 },
      spec: {
        name: "healthy",
        exec: ["sleep", s("38")],
        health: { exec: ["true"], interval_ms: 200 },
      },
    },
    {
      expect: { [s("39")]: 1 },
      spec: { name: "limited", exec: ["sleep", s("39")], limits: { memory: "64M", pids: 20 } },
    },
    {
      expect: {},
      spec: {
        name: "once",
        kind: "oneshot",
        exec: ["sh", "-c", `echo ran >> ${path.join(dir, "once.log")}`],
      },
    },
  ];
}

/** Runs `cycles` kill -9 / restart cycles; cleans everything up. */
export async function runCrashCycles(cycles: number): Promise<CrashCyclesResult> {
  const { dir, cleanup } = tempDir("hero_cycles_");
  const m = `${process.pid}${Date.now() % 100000}`;
  const defs = services(m, dir);
  const expected = new Map<string, number>();
  for (const d of defs) for (const [k, v] of Object.entries(d.expect)) expected.set(k, v);
  const env = { HERO_PROC_SHIM: "off" };
  let d: DaemonProcess = await startDaemonProcess(dir, env);
  const r: CrashCyclesResult = {
    cycles,
    duplicates: 0,
    missing: 0,
    orphansAfterShutdown: 0,
    escapees: 0,
    restartMedianMs: 0,
    restartMaxMs: 0,
    recoveryStopMaxMs: 0,
    maxStopTimeoutMs: 1000,
    containment: "",
  };
  const restarts: number[] = [];
  const counts = () => {
    const by = new Map<string, number>();
    for (const cmd of markedPids(m).values()) {
      const tag = /(\d+\.\d+)$/.exec(cmd)?.[1];
      if (tag) by.set(tag, (by.get(tag) ?? 0) + 1);
    }
    return by;
  };
  const allRunning = () => {
    const by = counts();
    for (const [tag, n] of expected) if ((by.get(tag) ?? 0) < n) return false;
    return true;
  };
  try {
    for (const def of defs) await d.client.call("service.set", { service: def.spec });
    await waitFor("all running", allRunning, 20_000);
    for (let c = 0; c < cycles; c++) {
      const escapee = [...markedPids(`34.${m}`).keys()];
      process.kill(d.pid, "SIGKILL");
      await d.exited;
      d.client.close();
      const t0 = Date.now();
      d = await startDaemonProcess(dir, env);
      await waitFor("all running again", allRunning, 20_000).catch(() => {});
      restarts.push(Date.now() - t0);
      const info = await d.client.call<
        { recovery: { stop_ms: number }; containment: { mode: string } }
      >("system.info");
      r.containment = info.containment.mode;
      r.recoveryStopMaxMs = Math.max(r.recoveryStopMaxMs, info.recovery.stop_ms);
      const alive = new Set(markedPids(`34.${m}`).keys());
      r.escapees += escapee.filter((p) => alive.has(p)).length;
      // Give stragglers a moment, then count against what should run.
      await new Promise((res) => setTimeout(res, 200));
      const by = counts();
      for (const [tag, n] of expected) {
        const have = by.get(tag) ?? 0;
        if (have > n) r.duplicates += have - n;
        if (have < n) r.missing += n - have;
      }
    }
  } finally {
    await d.client.call("system.shutdown", { wait: true }).catch(() => {});
    await d.exited;
    d.client.close();
    r.orphansAfterShutdown = markedPids(m).size;
    for (const pid of markedPids(m).keys()) process.kill(pid, "SIGKILL");
    cleanup();
  }
  restarts.sort((a, b) => a - b);
  r.restartMedianMs = restarts[Math.floor(restarts.length / 2)] ?? 0;
  r.restartMaxMs = restarts.at(-1) ?? 0;
  return r;
}
