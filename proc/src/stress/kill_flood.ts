/**
 * The kill -9 mid-flood scenario behind `log_durability_test.ts` and `npm run stress`: a real
 * hero_proc with a service printing numbered lines as fast as it can, three writers inserting
 * numbered lines with `logs.insert` and a reader querying, then SIGKILL; after the restart,
 * count the acknowledged lines and the lines queries had returned that are gone.
 */
import process from "node:process";
import type { RpcClient } from "@hero/sdk";
import { type DaemonProcess, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

interface Line {
  id: number;
  message: string;
  source: string;
}

/** What the scenario measured. */
export interface KillFloodResult {
  /** Lines `logs.insert` acknowledged before the kill, and those missing after the restart. */
  acknowledged: number;
  lostAcknowledged: number;
  /** Distinct lines queries returned before the kill, and those gone (or changed) after. */
  returned: number;
  lostReturned: number;
  /** Time from starting the new daemon to its first answer, ms. */
  restartMs: number;
}

/**
 * Every line under `source` with ids from `from` to `to`, oldest first (follow pages). An empty
 * range asks nothing: `after_id` must be an id (JSON would send an infinite one as null).
 */
export async function linesOf(
  client: RpcClient,
  source: string,
  from = 1,
  to = Infinity,
): Promise<Line[]> {
  if (from > to) return [];
  if (!Number.isSafeInteger(from) || from < 1) {
    throw new RangeError(`Cannot read lines of "${source}" from ${from}: not a line id`);
  }
  const out: Line[] = [];
  let after = from - 1;
  for (;;) {
    const params = { source, after_id: after, limit: 10_000, timeout_ms: 0 };
    type Page = { lines: Line[]; last_id: number };
    // A kept-alive connection the server closed just then fails once (EPIPE): ask again.
    const page = await client.call<Page>("logs.follow", params).catch(() =>
      client.call<Page>("logs.follow", params)
    );
    out.push(...page.lines.filter((l) => l.id <= to));
    if (!page.lines.length || page.last_id >= to) return out;
    after = page.last_id;
  }
}

/** Runs the scenario for `floodMs` before the kill; cleans everything up. */
export async function runKillFlood(floodMs = 1500): Promise<KillFloodResult> {
  const { dir, cleanup } = tempDir("hero_killflood_");
  let d: DaemonProcess = await startDaemonProcess(dir);
  try {
    await d.client.call("service.set", {
      service: {
        name: "chatty",
        exec: ["sh", "-c", 'i=0; while :; do i=$((i+1)); echo "n $i"; done'],
      },
    });
    await waitFor(
      "chatty output",
      async () =>
        (await d.client.call<{ lines: Line[] }>("logs.query", { source: "chatty", limit: 1 }))
          .lines.length > 0,
    );
    const acked = [0, 0, 0];
    const seen = new Map<number, string>();
    let running = true;
    const client = d.client;
    const writers = acked.map(async (_, w) => {
      let seq = 0;
      while (running) {
        const lines = Array.from({ length: 200 }, () => ({
          source: `ins.w${w}`,
          message: `w${w} ${++seq}`,
        }));
        try {
          const r = await client.call<{ accepted: number }>("logs.insert", { lines });
          if (r.accepted === 200) acked[w] = seq;
        } catch {
          return; // the daemon died: this batch was never acknowledged
        }
      }
    });
    const reader = (async () => {
      while (running) {
        try {
          for (const source of ["ins", "chatty"]) {
            const page = await client.call<{ lines: Line[] }>("logs.query", { source, limit: 500 });
            for (const l of page.lines) seen.set(l.id, l.message);
          }
        } catch {
          // Before the kill a failure is passing (a closed kept-alive connection): ask again.
          if (!running) return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, floodMs));
    // On a loaded machine the first answers can take longer than the flood: kill only once
    // there is something to check.
    await waitFor(
      "a query's lines and an acknowledged insert",
      () => seen.size > 0 && acked.some((n) => n > 0),
    );
    process.kill(d.pid, "SIGKILL");
    running = false;
    await Promise.all([...writers, reader]);
    await d.exited;
    d.client.close();

    const t0 = Date.now();
    d = await startDaemonProcess(dir);
    const restartMs = Date.now() - t0;
    let lostAcknowledged = 0;
    for (let w = 0; w < acked.length; w++) {
      const have = new Set((await linesOf(d.client, `ins.w${w}`)).map((l) => l.message));
      for (let i = 1; i <= acked[w]; i++) if (!have.has(`w${w} ${i}`)) lostAcknowledged++;
    }
    const after = new Map<number, string>();
    const ids = [...seen.keys()];
    // Not empty: the kill waited for a query's lines.
    const lo = ids.reduce((a, b) => Math.min(a, b));
    const hi = ids.reduce((a, b) => Math.max(a, b));
    for (const source of ["ins", "chatty"]) {
      for (const l of await linesOf(d.client, source, lo, hi)) after.set(l.id, l.message);
    }
    let lostReturned = 0;
    for (const [id, message] of seen) if (after.get(id) !== message) lostReturned++;
    return {
      acknowledged: acked.reduce((a, b) => a + b, 0),
      lostAcknowledged,
      returned: seen.size,
      lostReturned,
      restartMs,
    };
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
}
