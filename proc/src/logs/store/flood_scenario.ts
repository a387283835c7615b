/**
 * The flood scenario behind the flood test (5 s, `npm test`) and `npm run stress` (60 s): a
 * real hero_proc process supervises `yes` printing as fast as it can next to a calm service
 * printing a numbered tick every 100 ms. Measured: how long each calm line takes to become
 * visible (`logs.follow`), whether any calm line is missing, the size of the store against its
 * cap (pages in use, and the files on disk — database, WAL and WAL index — sampled every 250 ms), whether the calm service's
 * whole history is still stored at the end (fair retention), and whether the drop and
 * eviction counters are the same after a kill -9 and restart.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";

/** What the scenario measured. */
export interface FloodResult {
  seconds: number;
  capBytes: number;
  /** Longest time from a calm line being printed to it being visible, in ms. */
  maxDelayMs: number;
  /** Calm lines seen, and calm lines missing from the numbered sequence. */
  calmSeen: number;
  calmMissing: number;
  /** Largest sampled size: database pages in use, and files on disk (db + WAL + WAL index). */
  maxUsedBytes: number;
  maxFileBytes: number;
  /** Flood lines stored and refused by the rate limit (from logs.stats at the end). */
  stored: number;
  rateLimited: number;
  queueFull: number;
  /** Lines written to the store during the run, and the "N lines dropped" records seen. */
  written: number;
  dropRecords: number;
  /** Most lines waiting in hero_proc's memory at a sample. */
  maxQueued: number;
  /** Largest sampled size of the database file alone. */
  maxDbBytes: number;
  /** Calm lines printed during the run and still stored at its end. */
  calmPrinted: number;
  calmKept: number;
  /** Lines evicted by the cap (all sources) at the end. */
  evicted: number;
  /** Drop and eviction counters equal after a kill -9 and restart. */
  countersKept: boolean;
}

const launcher = fileURLToPath(new URL("../../../bin/hero_proc.mjs", import.meta.url));

/** Runs the scenario; everything it starts is stopped and removed before it returns. */
export async function runFlood(
  seconds: number,
  capBytes: number,
  env: Record<string, string> = {},
): Promise<FloodResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero_flood_"));
  const sockets = path.join(dir, "s");
  const start = () => {
    const daemon = spawn(process.execPath, [
      launcher,
      "serve",
      "--state-dir",
      path.join(dir, "state"),
      "--config-dir",
      path.join(dir, "cfg"),
      "--socket-dir",
      sockets,
    ], {
      env: {
        ...process.env,
        HERO_PROC_LOG_MAX_BYTES: String(capBytes),
        HERO_PROC_LOG_MIN_FREE: "0",
        ...env,
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    return { daemon, exited: new Promise((r) => daemon.once("exit", r)) };
  };
  let { daemon, exited } = start();
  const rpc = new RpcClient(path.join(sockets, "hero_proc/rpc.sock"), { timeoutMs: 30_000 });
  const dbFile = path.join(dir, "state/logs.db");
  const waitUp = async () => {
    for (let i = 0;; i++) {
      try {
        await rpc.call("system.info");
        break;
      } catch (err) {
        if (i > 150) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  try {
    await waitUp();
    const tick = "let i = 0; setInterval(() => console.log(`tick ${i++} ${Date.now()}`), 100);";
    await rpc.call("service.set", {
      service: { name: "calm", exec: [process.execPath, "-e", tick] },
    });
    await rpc.call("service.set", {
      service: {
        name: "flood",
        exec: ["yes", "flood: the quick brown fox jumps over the lazy dog 0123456789"],
      },
    });
    const end = Date.now() + seconds * 1000;
    let maxUsed = 0, maxFile = 0, maxQueued = 0, maxDb = 0;
    const size = (f: string) => {
      try {
        return fs.statSync(f).size;
      } catch {
        return 0;
      }
    };
    const sampler = setInterval(() => {
      maxFile = Math.max(
        maxFile,
        size(dbFile) + size(`${dbFile}-wal`) + size(`${dbFile}-shm`),
      );
      maxDb = Math.max(maxDb, size(dbFile));
    }, 250);
    const statsLoop = (async () => {
      while (Date.now() < end) {
        const s = await rpc.call<{ used_bytes: number; queued: number }>("logs.stats");
        maxUsed = Math.max(maxUsed, s.used_bytes);
        maxQueued = Math.max(maxQueued, s.queued);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    let after: number | undefined;
    let maxDelay = 0;
    const ticks: number[] = [];
    while (Date.now() < end) {
      const r = await rpc.call<{ lines: { message: string }[]; last_id: number }>("logs.follow", {
        source: "calm",
        ...(after !== undefined ? { after_id: after } : {}),
        timeout_ms: 2000,
      });
      const now = Date.now();
      after = r.last_id;
      for (const l of r.lines) {
        const m = /^tick (\d+) (\d+)$/.exec(l.message);
        if (!m) continue;
        ticks.push(Number(m[1]));
        // Ticks from before following started are backlog, not delay.
        if (ticks.length > 1) maxDelay = Math.max(maxDelay, now - Number(m[2]));
      }
    }
    await statsLoop;
    clearInterval(sampler);
    const stats = await rpc.call<
      {
        lines: number;
        written_since_start: number;
        dropped: { rate_limited: number; queue_full: number };
      }
    >("logs.stats");
    const notes = await rpc.call<{ lines: unknown[] }>("logs.query", {
      source: "flood",
      level: "warn",
      text: "lines dropped",
      limit: 10_000,
    });
    const first = ticks[0] ?? 0, last = ticks.at(-1) ?? -1;
    // The calm service's whole history must still be there (fair retention).
    await rpc.call("service.stop", { name: "flood" });
    await rpc.call("service.stop", { name: "calm" });
    const kept = new Set<number>();
    for (let after = 0;;) {
      const r = await rpc.call<{ lines: { message: string }[]; last_id: number }>(
        "logs.follow",
        { source: "calm", after_id: after, limit: 10_000, timeout_ms: 0 },
      );
      for (const l of r.lines) {
        const m = /^tick (\d+) /.exec(l.message);
        if (m) kept.add(Number(m[1]));
      }
      if (!r.lines.length) break;
      after = r.last_id;
    }
    // Counters survive a crash: read them once everything is committed (the flood has stopped;
    // the next group commit stores the last drops), kill -9, read again. Under load a commit can
    // come late, so the reading waits until the counters stop moving over several commits.
    type Counters = { dropped: { total: number }; evicted: number };
    const same = (a: Counters, b: Counters) =>
      a.dropped.total === b.dropped.total && a.evicted === b.evicted;
    let before = await rpc.call<Counters>("logs.stats");
    for (let stable = 0, tries = 0; stable < 3 && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 300));
      const next = await rpc.call<Counters>("logs.stats");
      stable = same(before, next) ? stable + 1 : 0;
      before = next;
    }
    daemon.kill("SIGKILL");
    await exited;
    const again = start();
    daemon = again.daemon;
    exited = again.exited;
    await waitUp();
    const now = await rpc.call<Counters>("logs.stats");
    return {
      seconds,
      capBytes,
      maxDelayMs: maxDelay,
      calmSeen: ticks.length,
      calmMissing: last - first + 1 - new Set(ticks).size,
      maxUsedBytes: maxUsed,
      maxFileBytes: maxFile,
      stored: stats.lines,
      rateLimited: stats.dropped.rate_limited,
      queueFull: stats.dropped.queue_full,
      maxQueued,
      written: stats.written_since_start,
      dropRecords: notes.lines.length,
      maxDbBytes: maxDb,
      calmPrinted: last + 1,
      calmKept: [...kept].filter((t) => t <= last).length,
      evicted: before.evicted,
      countersKept: now.dropped.total === before.dropped.total && now.evicted === before.evicted,
    };
  } finally {
    rpc.close();
    daemon.kill("SIGTERM");
    const timer = setTimeout(() => daemon.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
