/**
 * What an acknowledged line means, proven with a real daemon killed with SIGKILL in the middle
 * of a flood: every line `logs.insert` acknowledged, and every line a query returned (inserted
 * or captured), is still there, with the same id, after the restart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import type { RpcClient } from "@hero/sdk";
import { startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

interface Line {
  id: number;
  message: string;
  source: string;
}

/** Every line under `source` (with ids from `from` to `to`), oldest first, following cursors. */
async function allLines(
  client: RpcClient,
  source: string,
  from = 1,
  to = Infinity,
): Promise<Line[]> {
  const out: Line[] = [];
  let cursor: string | undefined = from > 1 ? `i${from - 1}` : undefined;
  for (;;) {
    const page = await client.call<{ lines: Line[]; next_cursor: string | null }>("logs.query", {
      source,
      order: "oldest",
      limit: 10_000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.lines.filter((l) => l.id <= to));
    if (!page.next_cursor || page.lines.some((l) => l.id > to)) return out;
    cursor = page.next_cursor;
  }
}

test("kill -9 mid-flood: no acknowledged line and no line a query returned is lost", async () => {
  const { dir, cleanup } = tempDir();
  let d = await startDaemonProcess(dir);
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
          assert.equal(r.accepted, 200);
          acked[w] = seq;
        } catch {
          return; // the daemon died: this batch was never acknowledged
        }
      }
    });
    const reader = (async () => {
      while (running) {
        try {
          for (const source of ["ins", "chatty"]) {
            const page = await client.call<{ lines: Line[] }>("logs.query", {
              source,
              limit: 500,
            });
            for (const l of page.lines) seen.set(l.id, l.message);
          }
        } catch {
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(d.pid, "SIGKILL");
    running = false;
    await Promise.all([...writers, reader]);
    await d.exited;
    d.client.close();
    assert.ok(acked.every((n) => n > 0), "every writer had lines acknowledged");
    assert.ok(seen.size > 1000, `queries returned ${seen.size} lines`);

    d = await startDaemonProcess(dir);
    for (let w = 0; w < acked.length; w++) {
      const have = new Set((await allLines(d.client, `ins.w${w}`)).map((l) => l.message));
      const missing: number[] = [];
      for (let i = 1; i <= acked[w]; i++) if (!have.has(`w${w} ${i}`)) missing.push(i);
      assert.deepEqual(
        missing.slice(0, 10),
        [],
        `writer ${w}: ${missing.length} acknowledged lines lost`,
      );
    }
    const after = new Map<number, string>();
    const ids = [...seen.keys()];
    const [lo, hi] = [Math.min(...ids), Math.max(...ids)];
    for (const source of ["ins", "chatty"]) {
      for (const l of await allLines(d.client, source, lo, hi)) after.set(l.id, l.message);
    }
    let lost = 0;
    for (const [id, message] of seen) if (after.get(id) !== message) lost++;
    assert.equal(lost, 0, `${lost} of ${seen.size} lines returned by queries are gone`);
  } finally {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
});
