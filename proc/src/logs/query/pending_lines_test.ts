/**
 * Lines accepted but not yet indexed answer queries exactly like indexed ones: the same
 * pages, order and cursors, whether they wait in memory, as chunks on disk, or are indexed.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { spawn } from "node:child_process";
import process from "node:process";
import { tempDir, waitFor } from "../../test_support.ts";
import { LogStore } from "../log_store.ts";
import type { LogsQuery } from "./query_params.ts";
import { textMatcher } from "./pending_lines.ts";

const NEVER = { quietMs: 3600_000, maxWaitMs: 3600_000, maxBacklog: 1e9 };

/** Two stores fed the same lines: `lazy` never indexes on its own, `eager` is flushed. */
function twins() {
  const t = tempDir("hero_pending_");
  const make = (name: string) =>
    new LogStore({
      file: path.join(t.dir, name, "logs.db"),
      minFreeBytes: 0,
      indexSchedule: NEVER,
    });
  const lazy = make("lazy"), eager = make("eager");
  return { lazy, eager, done: () => (lazy.close(), eager.close(), t.cleanup()) };
}

const WORDS = ["timeout", "Timeouts", "café", "request", "user_id", "cache", "miss", "hit"];

function feed(stores: LogStore[], seed: number, n: number, t0: number): void {
  let x = seed;
  const rnd = (k: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % k);
  const enc = new TextEncoder();
  for (let i = 0; i < n; i++) {
    if (rnd(4) === 0) {
      const lines = Array.from(
        { length: 1 + rnd(20) },
        (_, k) => `${["", "WARN ", "error: "][rnd(3)]}${WORDS[rnd(8)]} cap ${i}.${k}`,
      );
      const block = {
        ts: t0 + rnd(50),
        source: `svc${rnd(3)}.main.${rnd(2) ? "stdout" : "stderr"}`,
        jobId: rnd(3),
        stream: (rnd(2) ? "stdout" : "stderr") as "stdout" | "stderr",
        bytes: enc.encode(lines.map((l) => `${l}\n`).join("")),
        lines: lines.length,
      };
      for (const s of stores) s.writeBlock(block);
    } else {
      const batch = Array.from({ length: 1 + rnd(30) }, (_, k) => ({
        ts: t0 + rnd(50),
        level: (["debug", "info", "warn", "error"] as const)[rnd(4)],
        source: `svc${rnd(3)}.${["http", "db", "work.a", "work.b"][rnd(4)]}`,
        job_id: rnd(2) ? rnd(3) : null,
        message: `${WORDS[rnd(8)]} ${WORDS[rnd(8)]} line ${i}.${k}`,
        fields: rnd(5) ? undefined : { k },
      }));
      for (const s of stores) s.insert(batch);
    }
  }
}

/** Every page of `q`, following cursors. */
function pages(store: LogStore, q: LogsQuery): string[][] {
  const out: string[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const page = store.search({ ...q, cursor });
    out.push(page.lines.map((l) => `${l.id}|${l.ts}|${l.level}|${l.source}|${l.message}`));
    cursor = page.next_cursor ?? undefined;
    if (!cursor || q.after_id !== undefined) break;
  }
  return out;
}

const QUERIES: LogsQuery[] = [
  { limit: 25 },
  { limit: 25, order: "oldest" },
  { source: "svc1", limit: 17 },
  { source: "svc2.main", level: "warn", limit: 9, order: "oldest" },
  { source: "svc0.work.*", limit: 11 },
  { text: "timeout", limit: 13 },
  { text: "cafe", limit: 7, order: "oldest" },
  { text: "user_id", source: "svc1", limit: 10 },
  { text: "REQUEST cache", limit: 10 },
  { job_id: 2, level: "error", limit: 20 },
  { after_id: 40, limit: 30 },
  { after_id: 400, source: "svc1", limit: 50 },
];

test("pages over waiting lines equal pages over indexed lines, for every filter and order", async () => {
  const { lazy, eager, done } = twins();
  try {
    const t0 = Date.now() - 10_000;
    feed([lazy, eager], 7, 150, t0);
    lazy.flush(); // part of it indexed …
    feed([lazy, eager], 8, 150, t0 + 20);
    // … part committed as chunks on disk (a flush period passes; nothing is indexed) …
    await new Promise((r) => setTimeout(r, 300));
    const onDisk = lazy.db.prepare("SELECT count(*) AS n FROM log_chunks").get()!.n;
    assert.ok(Number(onDisk) > 0, "chunks wait on disk");
    feed([lazy, eager], 9, 60, t0 + 10); // … and part still in memory.
    eager.flush();
    assert.ok(lazy.queued > 0, "lines wait for the indexer");
    assert.equal(eager.queued, 0);
    for (const q of [...QUERIES, { since: t0 + 20, until: t0 + 40, limit: 15 }]) {
      assert.deepEqual(pages(lazy, q), pages(eager, q), JSON.stringify(q));
    }
    assert.ok(pages(eager, { limit: 25 }).length > 10, "the queries cover many pages");
  } finally {
    done();
  }
});

test("the text filter on waiting lines matches FTS5: word prefixes, case and accents folded", () => {
  const m = textMatcher("time");
  assert.equal(m("a Timeout here"), true);
  assert.equal(m("overtime"), false, "a word must start a token");
  assert.equal(textMatcher("cafe")("Café au lait"), false, "LIKE keeps the accent");
  assert.equal(textMatcher("caf")("Café au lait"), true);
  assert.equal(
    textMatcher("REQ cache")("request cache miss"),
    false,
    "the whole text is a substring",
  );
  assert.equal(textMatcher("request cache")("REQUEST CACHE miss"), true);
});

test("a full backlog refuses the flooding source, never a quiet one, and says so in a record", () => {
  const t = tempDir("hero_backlog_");
  const store = new LogStore({
    file: path.join(t.dir, "logs.db"),
    minFreeBytes: 0,
    indexSchedule: NEVER,
    maxBacklogBytes: 64 * 1024,
  });
  try {
    const line = (i: number) => ({ source: "flood.out", message: `flood ${i} ${"x".repeat(100)}` });
    const r = store.insert(Array.from({ length: 2000 }, (_, i) => line(i)));
    assert.ok(r.dropped > 0 && r.accepted > 0, `accepted ${r.accepted}, dropped ${r.dropped}`);
    assert.ok(r.accepted * 164 <= 64 * 1024 + 164, "the budget bounds what waits");
    assert.deepEqual(store.insert([{ source: "quiet.out", message: "still here" }]), {
      accepted: 1,
      dropped: 0,
    });
    assert.equal(store.droppedByReason.queue_full, r.dropped);
    store.flush(); // indexes everything and reports the drops
    const note = store.search({ source: "flood", level: "warn" }).lines[0];
    assert.match(note.message, new RegExp(`^${r.dropped} lines dropped: "flood.out" sent lines`));
    assert.deepEqual(note.fields, { dropped: r.dropped, reason: "backlog_full" });
    assert.equal(store.tree({ prefix: "flood" }).dropped, r.dropped);
    // Indexed, the budget is free again.
    assert.equal(store.insert([line(9999)]).accepted, 1);
  } finally {
    store.close();
    t.cleanup();
  }
});

test("lines waiting for the indexer survive kill -9: the next start reads and indexes them", async () => {
  const t = tempDir("hero_pending_crash_");
  const file = path.join(t.dir, "logs.db");
  const script = `
    import { LogStore } from ${JSON.stringify(new URL("../log_store.ts", import.meta.url).href)};
    const s = new LogStore({ file: ${JSON.stringify(file)}, minFreeBytes: 0,
      indexSchedule: { quietMs: 3600000, maxWaitMs: 3600000, maxBacklog: 1e9 } });
    s.insert(Array.from({ length: 3000 }, (_, i) => ({ source: "crash.x", message: "kept " + i })));
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 400);
  `;
  try {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: "inherit",
    });
    const signal = await new Promise((r) => child.once("exit", (_code, sig) => r(sig)));
    assert.equal(signal, "SIGKILL");
    const store = new LogStore({ file, minFreeBytes: 0 });
    try {
      assert.equal(store.queued, 3000, "the lines are there, not yet indexed");
      assert.equal(store.search({ source: "crash", limit: 1 }).lines[0].message, "kept 2999");
      await waitFor("indexed after the restart", () => store.queued === 0, 10_000);
      const n = store.db.prepare("SELECT count(*) AS n FROM logs WHERE source = 'crash.x'").get()!;
      assert.equal(Number(n.n), 3000);
      assert.equal(store.search({ text: "kept", limit: 10_000 }).lines.length, 3000);
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});

test("big lines gather in chunks of at most a few MB, so indexing never parses a huge one", async () => {
  const t = tempDir("hero_pending_big_");
  const store = new LogStore({
    file: path.join(t.dir, "logs.db"),
    minFreeBytes: 0,
    indexSchedule: NEVER,
  });
  try {
    const big = "z".repeat(60 * 1024);
    for (let i = 0; i < 4; i++) {
      store.insert(
        Array.from({ length: 50 }, (_, k) => ({ source: "big.x", message: `${i}.${k} ${big}` })),
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    const c = store.db.prepare("SELECT count(*) AS n, max(length(body)) AS biggest FROM log_chunks")
      .get()!;
    assert.ok(Number(c.n) >= 3, `chunks: ${c.n}`);
    assert.ok(Number(c.biggest) <= 4.2 * 1024 * 1024, `biggest chunk: ${c.biggest} bytes`);
    store.flush();
    const n = store.db.prepare("SELECT count(*) AS n FROM logs WHERE source = 'big.x'").get()!;
    assert.equal(Number(n.n), 200);
  } finally {
    store.close();
    t.cleanup();
  }
});
