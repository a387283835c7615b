/** The log store on a real SQLite file: writing, querying, pages, tree, flood control, retention, low disk. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import path from "node:path";
import { test } from "node:test";
import { tempDir, waitFor } from "../test_support.ts";
import { LogStore, type LogStoreOptions } from "./log_store.ts";
import { queryLogs } from "./query/log_query.ts";
import { logTree } from "./query/log_tree.ts";
import { dbBudgetBytes } from "./store/log_schema.ts";

function open(opts: Partial<LogStoreOptions> = {}) {
  const t = tempDir("hero_logs_");
  const store = new LogStore({ file: path.join(t.dir, "logs.db"), minFreeBytes: 0, ...opts });
  return { store, dir: t.dir, done: () => (store.close(), t.cleanup()) };
}

test("lines go to their own logs.db and come back by prefix, wildcard, level, job, time and text", () => {
  const { store, done } = open();
  try {
    const t0 = Date.now() - 60_000;
    store.insert([
      {
        ts: t0,
        source: "embedder.workspace.w1.job.j1.fetch",
        level: "info",
        message: "fetching page one",
      },
      {
        ts: t0 + 1,
        source: "embedder.workspace.w2.job.j2.fetch",
        level: "error",
        message: "connection refused by host",
      },
      {
        ts: t0 + 2,
        source: "embedder.http",
        level: "debug",
        message: "GET /health",
        fields: { ms: 3 },
      },
      { ts: t0 + 3, source: "embedderx.other", level: "fatal", message: "not under embedder" },
    ]);
    store.write({
      ts: t0 + 4,
      source: "api.server.stdout",
      jobId: 42,
      level: "info",
      line: "listening on 8080",
    });
    store.flush();
    const q = (p: Parameters<typeof queryLogs>[1]) =>
      queryLogs(store.db, p).lines.map((l) => l.message);
    assert.deepEqual(q({ source: "embedder", order: "oldest" }), [
      "fetching page one",
      "connection refused by host",
      "GET /health",
    ]);
    assert.deepEqual(q({ source: "embedder.workspace.*.job" }), [
      "connection refused by host",
      "fetching page one",
    ]);
    assert.deepEqual(q({ source: "embedder.*.w1" }), ["fetching page one"]);
    assert.deepEqual(q({ level: "error" }), ["not under embedder", "connection refused by host"]);
    assert.deepEqual(q({ job_id: 42 }), ["listening on 8080"]);
    assert.deepEqual(q({ since: t0 + 2, until: t0 + 3 }), ["not under embedder", "GET /health"]);
    assert.deepEqual(q({ text: "connection refused" }), ["connection refused by host"]);
    assert.deepEqual(
      q({ text: "refused connection" }),
      [],
      "text is a substring, not a bag of words",
    );
    assert.deepEqual(
      q({ text: "CONNECT" }),
      ["connection refused by host"],
      "case-insensitive word prefix",
    );
    const api = queryLogs(store.db, { source: "api" }).lines[0];
    assert.equal(api.service, "api");
    assert.equal(api.job_id, 42);
    assert.deepEqual(queryLogs(store.db, { source: "embedder.http" }).lines[0].fields, { ms: 3 });
    assert.equal(path.basename(store.file), "logs.db");
  } finally {
    done();
  }
});

test("cursor pages cover every line exactly once, newest first and oldest first", () => {
  const { store, done } = open();
  try {
    const ts = Date.now();
    store.insert(
      Array.from(
        { length: 250 },
        (_, i) => ({ ts: ts + (i % 7), source: "p.q", message: `m${i}` }),
      ),
    );
    store.flush();
    for (const order of ["newest", "oldest"] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = queryLogs(store.db, { source: "p", limit: 40, cursor, order });
        seen.push(...page.lines.map((l) => l.message));
        cursor = page.next_cursor ?? undefined;
        pages++;
      } while (cursor);
      assert.equal(pages, 7);
      assert.equal(new Set(seen).size, 250);
      const tsOf = (m: string) => ts + (Number(m.slice(1)) % 7);
      for (let i = 1; i < seen.length; i++) {
        assert.ok(
          order === "newest"
            ? tsOf(seen[i - 1]) >= tsOf(seen[i])
            : tsOf(seen[i - 1]) <= tsOf(seen[i]),
        );
      }
    }
    // Full-text pages walk the index in arrival order with their own cursors.
    const textSeen: string[] = [];
    let tc: string | undefined;
    do {
      const page = queryLogs(store.db, { text: "m1", limit: 30, cursor: tc });
      textSeen.push(...page.lines.map((l) => l.message));
      tc = page.next_cursor ?? undefined;
    } while (tc);
    const expected = Array.from({ length: 250 }, (_, i) => `m${i}`).filter((m) =>
      m.startsWith("m1")
    );
    assert.deepEqual(textSeen, expected.reverse());
    assert.throws(() => queryLogs(store.db, { text: "m1", cursor: "1_2" }), /Bad cursor "1_2"/);
    assert.throws(() => queryLogs(store.db, { cursor: "nope" }), /Bad cursor "nope"/);
    assert.throws(() => queryLogs(store.db, { source: "a..b" }), /Bad source prefix "a..b"/);
    assert.throws(
      () => queryLogs(store.db, { level: "loud" as "info" }),
      /Unknown log level "loud"/,
    );
    assert.throws(
      () => queryLogs(store.db, { since: "yesterday-ish" }),
      /Bad since "yesterday-ish"/,
    );
  } finally {
    done();
  }
});

test("the tree counts lines per prefix with the last time, limited in depth", () => {
  const { store, done } = open();
  try {
    store.insert([
      { ts: 1000, source: "a.b.c", message: "1" },
      { ts: 2000, source: "a.b.c", message: "2" },
      { ts: 1500, source: "a.b.d.e", message: "3" },
      { ts: 3000, source: "a.x", message: "4" },
      { ts: 9000, source: "z", message: "5" },
    ]);
    store.flush();
    const root = logTree(store.db, { depth: 2 });
    assert.equal(root.lines, 5);
    assert.deepEqual(root.children.map((c) => [c.path, c.lines, c.last_ts]), [["a", 4, 3000], [
      "z",
      1,
      9000,
    ]]);
    const ab = root.children[0].children.find((c) => c.name === "b")!;
    assert.equal(ab.lines, 3);
    assert.equal(ab.children.length, 0);
    assert.equal(ab.more, true);
    const sub = logTree(store.db, { prefix: "a.b", depth: 5 });
    assert.equal(sub.path, "a.b");
    assert.deepEqual(sub.children.map((c) => [c.name, c.lines]), [["c", 2], ["d", 1]]);
    assert.equal(sub.children[1].children[0].path, "a.b.d.e");
  } finally {
    done();
  }
});

test("a source over its rate limit loses lines, and a visible record says how many", () => {
  const { store, done } = open({ rate: { linesPerSecond: 100, burst: 100 } });
  try {
    const r = store.insert(
      Array.from({ length: 1000 }, (_, i) => ({ source: "noisy.x", message: `n${i}` })),
    );
    store.insert([{ source: "quiet.y", message: "still here" }]);
    store.flush();
    assert.ok(r.accepted >= 100 && r.accepted < 120, `accepted ${r.accepted}`);
    assert.equal(r.accepted + r.dropped, 1000);
    const note = queryLogs(store.db, { source: "noisy", level: "warn" }).lines[0];
    assert.match(
      note.message,
      new RegExp(`^${r.dropped} lines dropped: "noisy.x" sent more than 100 lines/s`),
    );
    assert.equal(note.fields?.dropped, r.dropped);
    assert.equal(queryLogs(store.db, { source: "quiet" }).lines.length, 1);
    assert.equal(logTree(store.db, { prefix: "noisy", depth: 1 }).dropped, r.dropped);
    assert.equal(store.droppedByReason.rate_limited, r.dropped);
  } finally {
    done();
  }
});

test("a flooding source does not hold back another source's lines", async () => {
  const { store, done } = open({ maxBatch: 5000 });
  try {
    const flood = Array.from(
      { length: 10_000 },
      (_, i) => ({ source: "flood.out", message: `line ${i} ${"x".repeat(80)}` }),
    );
    for (let i = 0; i < 10; i++) store.insert(flood);
    store.insert([{ source: "calm.out", message: "calm line" }]);
    // Readable at once, before the 100,000 flood lines ahead of it are indexed.
    assert.ok(store.queued > 0);
    assert.deepEqual(store.search({ source: "calm" }).lines.map((l) => l.message), ["calm line"]);
    assert.equal(
      store.search({ source: "flood", limit: 1 }).lines[0].message.split(" ")[1],
      "9999",
    );
    // And on disk (another connection sees it as a row or inside a chunk) within a tick.
    const reader = new DatabaseSync(store.file, { readOnly: true });
    try {
      const last = store.lastId;
      await waitFor(
        "the calm line on disk",
        () =>
          reader.prepare(
            "SELECT (SELECT count(*) FROM logs WHERE id = ?) + " +
              "(SELECT count(*) FROM log_chunks WHERE ? BETWEEN first_id AND first_id + lines - 1) AS n",
          ).get(last, last)!.n === 1,
        1000,
      );
      await waitFor("everything indexed", () => store.queued === 0, 20_000);
      const row = reader.prepare("SELECT message FROM logs WHERE id = ?").get(last);
      assert.equal(row!.message, "calm line");
      assert.equal(Number(reader.prepare("SELECT count(*) AS n FROM logs").get()!.n), 100_001);
    } finally {
      reader.close();
    }
  } finally {
    done();
  }
});

test("retention deletes lines older than the maximum age, and the size cap deletes the oldest", () => {
  // Batches larger than the default backlog budget (a tenth of the cap) are let in here. Of a
  // 4 MiB cap, the database keeps to 2 MiB (the rest is the WAL's room).
  const cap = 4 * 1024 * 1024;
  const { store, done } = open({
    retention: { maxAgeMs: 3600_000, maxBytes: cap },
    maxBacklogBytes: 16 * 1024 * 1024,
  });
  try {
    const now = Date.now();
    store.insert([{ ts: now - 7200_000, source: "old.a", message: "too old" }]);
    store.insert(
      Array.from(
        { length: 5000 },
        (_, i) => ({ ts: now, source: "new.a", message: `fresh ${i} ${"y".repeat(100)}` }),
      ),
    );
    store.flush();
    store.enforceRetention();
    assert.equal(queryLogs(store.db, { source: "old" }).lines.length, 0);
    assert.equal(logTree(store.db, { prefix: "old" }).lines, 0);
    for (let k = 0; k < 10; k++) {
      store.insert(
        Array.from(
          { length: 5000 },
          (_, i) => ({ ts: now, source: "new.a", message: `bulk ${k} ${i} ${"z".repeat(200)}` }),
        ),
      );
      store.flush();
      store.enforceRetention();
    }
    assert.ok(store.usedBytes() <= dbBudgetBytes(cap), `used ${store.usedBytes()}`);
    const newest = queryLogs(store.db, { source: "new", limit: 1 }).lines[0];
    assert.match(newest.message, /^bulk 9 4999 /, "the newest lines are kept");
    const counted = logTree(store.db, { prefix: "new" }).lines;
    const real = Number(store.db.prepare("SELECT count(*) AS n FROM logs").get()!.n);
    assert.equal(counted, real, "per-source counts follow deletions");
    assert.equal(store.countLines(), real);
  } finally {
    done();
  }
});

test("when free disk is below the minimum, new lines are refused with a clear error", () => {
  const { store, done } = open({ minFreeBytes: Number.MAX_SAFE_INTEGER });
  try {
    assert.equal(store.disk.state.low, true);
    assert.throws(
      () => store.insert([{ source: "a", message: "x" }]),
      (e: Error & { code?: string }) =>
        e.code === "LOGS_DISK_LOW" &&
        /^Cannot store log lines: only \d+ MB free on the disk of /.test(e.message),
    );
    store.write({
      ts: Date.now(),
      source: "a.b.stdout",
      jobId: 1,
      level: "info",
      line: "captured",
    });
    store.flush();
    assert.equal(store.countLines(), 0);
    assert.equal(store.droppedByReason.disk_low, 2);
  } finally {
    done();
  }
});
