/**
 * Fair retention and counters on a real SQLite file: under the size cap a flooding service
 * loses its own oldest lines while a calm neighbour keeps its whole history, evictions and
 * drops are counted per source and survive a restart, and the database file on disk (not only
 * the pages in use) stays within its share of the cap, the rest being the WAL's.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../../test_support.ts";
import { LogStore } from "../log_store.ts";
import { logTree } from "../query/log_tree.ts";
import { logStats } from "../api/log_stats.ts";
import { dbBudgetBytes } from "./log_schema.ts";

const CAP = 8 * 1024 * 1024;

test("under the size cap a flood evicts its own history first; the calm service keeps all of it", () => {
  const t = tempDir("hero_fair_");
  const file = path.join(t.dir, "logs.db");
  const opts = {
    file,
    minFreeBytes: 0,
    retention: { maxAgeMs: 0, maxBytes: CAP },
    maxBacklogBytes: 16 * 1024 * 1024,
    rate: { linesPerSecond: 100, burst: 40_000 },
  };
  let store = new LogStore(opts);
  const sizeOf = (f: string) => fs.existsSync(f) ? fs.statSync(f).size : 0;
  const size = () => sizeOf(file);
  let maxFile = 0;
  try {
    const now = Date.now();
    let calm = 0;
    for (let round = 0; round < 60; round++) {
      store.insert([{ ts: now + round, source: "calm.main.stdout", message: `calm ${calm++}` }]);
      store.insert(
        Array.from({ length: 1000 }, (_, i) => ({
          ts: now + round,
          source: `flood.main.stdout`,
          message: `flood ${round} ${i} ${"x".repeat(150)}`,
        })),
      );
      store.enforceRetention();
      maxFile = Math.max(maxFile, size());
    }
    const calmLines = store.search({ source: "calm", limit: 1000, order: "oldest" }).lines;
    assert.deepEqual(
      calmLines.map((l) => l.message),
      Array.from({ length: calm }, (_, i) => `calm ${i}`),
      "every calm line is kept",
    );
    const tree = logTree(store.db, { depth: 1 });
    const flood = tree.children.find((c) => c.name === "flood")!;
    const calmNode = tree.children.find((c) => c.name === "calm")!;
    assert.ok(flood.evicted > 10_000, `flood evicted ${flood.evicted}`);
    assert.equal(calmNode.evicted, 0);
    // The database file keeps to its share of the cap, leaving the rest to the WAL (whose bound
    // needs the daemon's indexer thread: flood_test.ts and `npm run stress` measure all files).
    const budget = dbBudgetBytes(CAP);
    assert.ok(budget < CAP);
    assert.ok(maxFile <= budget * 1.1, `logs.db ${maxFile} bytes, its share ${budget} of ${CAP}`);
    const stats = logStats(store);
    assert.equal(stats.evicted, flood.evicted);
    const dropped = store.droppedByReason.rate_limited;
    assert.ok(dropped > 0, "the rate limit dropped flood lines");
    store.close();

    // Counters survive a restart.
    store = new LogStore(opts);
    assert.equal(store.droppedByReason.rate_limited, dropped);
    const again = logTree(store.db, { depth: 1 });
    assert.equal(again.children.find((c) => c.name === "flood")!.evicted, flood.evicted);
    assert.equal(again.children.find((c) => c.name === "flood")!.dropped, flood.dropped);
  } finally {
    store.close();
    t.cleanup();
  }
});

test("a service below an equal share of the cap is never evicted while another is above it", () => {
  const t = tempDir("hero_fair_");
  const store = new LogStore({
    file: path.join(t.dir, "logs.db"),
    minFreeBytes: 0,
    retention: { maxAgeMs: 0, maxBytes: CAP },
    maxBacklogBytes: 16 * 1024 * 1024,
  });
  try {
    const now = Date.now();
    // Three services: two heavy ones and a medium one holding well under a third of the cap.
    for (let round = 0; round < 20; round++) {
      for (const [svc, n] of [["a", 1500], ["b", 1500], ["m", 100]] as const) {
        store.insert(Array.from({ length: n }, (_, i) => ({
          ts: now + round,
          source: `${svc}.main.stdout`,
          message: `${svc} ${round} ${i} ${"y".repeat(150)}`,
        })));
      }
      store.enforceRetention();
    }
    const tree = logTree(store.db, { depth: 1 });
    const node = (n: string) => tree.children.find((c) => c.name === n)!;
    assert.equal(node("m").evicted, 0, "the medium service kept everything");
    assert.equal(node("m").lines, 2000);
    assert.ok(node("a").evicted > 0 && node("b").evicted > 0);
    // The two heavy ones were trimmed to about the same size.
    const ratio = node("a").lines / node("b").lines;
    assert.ok(ratio > 0.8 && ratio < 1.25, `a ${node("a").lines} vs b ${node("b").lines}`);
  } finally {
    store.close();
    t.cleanup();
  }
});
