/**
 * Full-text words expanded to whole terms: the expansion is what the index holds, and every
 * query returns exactly the lines, order and cursors of the plain prefix query (and of a
 * brute-force check over all lines), page after page. Real SQLite file, real schema.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import path from "node:path";
import { test } from "node:test";
import { tempDir } from "../../test_support.ts";
import { expandedExpression } from "./fts_expression.ts";
import { tokensOf } from "./fts_tokenizer.ts";
import { queryLogs } from "./log_query.ts";
import type { LogsPage, LogsQuery, QueryOptions } from "./query_params.ts";
import { compileSourcePattern } from "./source_pattern.ts";
import { MAX_SCAN_LINES, scanIsCheaper, scanWindow } from "./text_scan.ts";
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";
import { openLogDatabase } from "../store/log_schema.ts";
import { deleteRows } from "../store/retention.ts";

interface Line {
  id: number;
  ts: number;
  source: string;
  level: number;
  job: number | null;
  message: string;
}

const PHRASES = [
  "request timeout after 30 s",
  "Timeouts: 3 in a row",
  "TIMEOUT waiting for lock",
  "timeouted job", // a third term under "timeout"
  "took 12 ms",
  "café au lait served", // folds to the ASCII term "cafe"
  "Café closed",
  "grüße aus Köln", // "gruße": a non-ASCII term under the ASCII prefix "gru"
  "grumpy cat",
  "résumé uploaded", // folds to "resume", but LIKE '%resum%' does not match "résumé"
  "connection refused",
  "connected to db",
  "Ошибка соединения", // Cyrillic: folded by the tokenizer, not by LIKE
  "ошибки нет",
];

/** A store of `n` lines with a fixed pseudo-random mix of sources, levels and words. */
function fill(db: DatabaseSync, n: number): Line[] {
  let seed = 42;
  const rand = (
    k: number,
  ) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), (seed >>> 8) % k);
  const lines: Line[] = [];
  const insert = db.prepare(
    "INSERT INTO logs (ts, level, source, service, job_id, message) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const index = db.prepare("INSERT INTO logs_fts (rowid, message) VALUES (?, ?)");
  db.exec("BEGIN");
  for (let i = 0; i < n; i++) {
    const service = `svc${rand(4)}`;
    const source = `${service}.job.j${rand(6)}`;
    const level = rand(LOG_LEVELS.length);
    // "id<k>": 200 terms under "id", 111 under "id1", 11 under "id12".
    const message = `${PHRASES[rand(PHRASES.length)]} id${rand(200)}${
      rand(5) === 0 ? ` ${PHRASES[rand(PHRASES.length)]}` : ""
    }`;
    const ts = 1_000_000 + rand(1000);
    const job = rand(3) === 0 ? rand(6) : null;
    const id = Number(insert.run(ts, level, source, service, job, message).lastInsertRowid);
    index.run(id, message);
    lines.push({ id, ts, source, level, job, message });
  }
  db.exec(
    `INSERT OR REPLACE INTO log_sources (source, lines, last_ts)
     SELECT source, count(*), max(ts) FROM logs GROUP BY source`,
  );
  db.exec("COMMIT");
  return lines;
}

/** What `q` must return, newest first, by brute force over the lines (test data only). */
function expected(lines: Line[], q: LogsQuery): Line[] {
  const ascii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase()); // LIKE folds ASCII
  const words = (q.text!.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase());
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const source = compileSourcePattern(q.source ?? "");
  const out = lines.filter((l) => {
    if (!source.matches(l.source)) return false;
    if (q.level && l.level < LOG_LEVELS.indexOf(q.level)) return false;
    if (q.job_id !== undefined && l.job !== q.job_id) return false;
    if (q.since !== undefined && l.ts < Number(q.since)) return false;
    if (q.until !== undefined && l.ts > Number(q.until)) return false;
    if (!ascii(l.message).includes(ascii(q.text!))) return false;
    const tokens = fold(l.message).split(/[^\p{L}\p{N}]+/u);
    return words.every((w) => tokens.some((t) => t.startsWith(fold(w))));
  });
  return q.order === "oldest" ? out : out.reverse();
}

/** Every page of `q`, following next_cursor. */
function allPages(db: DatabaseSync, q: LogsQuery, opts: QueryOptions = {}): LogsPage[] {
  const pages: LogsPage[] = [];
  let cursor: string | undefined;
  do {
    const page = queryLogs(db, { ...q, cursor }, opts);
    pages.push(page);
    cursor = page.next_cursor ?? undefined;
    assert.ok(pages.length < 1000, "pages end");
  } while (cursor);
  return pages;
}

/** The plain prefix query walked on the index: what every other plan must return. */
const PLAIN: QueryOptions = { maxPrefixTerms: 0, textPlan: "index" };

function open() {
  const t = tempDir("hero_fts_");
  const db = openLogDatabase(path.join(t.dir, "logs.db"));
  return { db, done: () => (db.close(), t.cleanup()) };
}

const QUERIES: LogsQuery[] = [
  { text: "timeout" },
  { text: "TIMEOUT" },
  { text: "timeouts" },
  { text: "time" },
  { text: "t" },
  { text: "id" }, // 200 terms: stays a prefix
  { text: "id1" }, // 111 terms: stays a prefix
  { text: "id12" }, // 11 terms: expanded
  { text: "took 12" },
  { text: "timeout after" },
  { text: "connect", order: "oldest" },
  { text: "caf" },
  { text: "cafe" },
  { text: "café" },
  { text: "gru" },
  { text: "resum" },
  { text: "ошиб" },
  { text: "Ошибка" },
  { text: "Ошибка соед" },
  { text: "nosuchword" },
  { text: "timeout nosuchword" },
  { source: "svc2", level: "warn", text: "timeout" },
  { source: "svc1.job.j3", text: "id12" },
  { source: "svc3", level: "error", text: "t", order: "oldest" },
];

test("a word's expansion is the index's terms under its folded prefix, or the prefix when too many", () => {
  const { db, done } = open();
  try {
    fill(db, 2000);
    assert.equal(
      expandedExpression(db, ["timeout"]),
      '("timeout" OR "timeouted" OR "timeouts")',
    );
    assert.equal(expandedExpression(db, ["TIMEOUTS"]), '"timeouts"');
    assert.equal(expandedExpression(db, ["Caf"]), '"cafe"', "the index holds folded terms");
    assert.equal(
      expandedExpression(db, ["took", "id12"]),
      `"took" AND (${
        ["id12", ...Array.from({ length: 10 }, (_, i) => `id12${i}`)]
          .map((t) => `"${t}"`).join(" OR ")
      })`,
    );
    assert.equal(expandedExpression(db, ["id"]), '"id"*', "200 terms: too many");
    assert.equal(expandedExpression(db, ["id"], 200)?.split(" OR ").length, 200);
    assert.equal(expandedExpression(db, ["id"], 199), '"id"*');
    assert.equal(expandedExpression(db, ["gru"]), '("grumpy" OR "gruße")', "non-ASCII term");
    assert.equal(expandedExpression(db, ["CAFÉ"]), '"cafe"', "folded by the tokenizer");
    assert.equal(expandedExpression(db, ["ошиб"]), '("ошибка" OR "ошибки")');
    assert.equal(expandedExpression(db, ["ОШИБКА"]), '"ошибка"');
    assert.equal(expandedExpression(db, ["id"], 0), '"id"*', "expansion off");
    assert.deepEqual(tokensOf(db, ["Grüße aus KÖLN", "x_y z", ""]), [
      ["aus", "gruße", "koln"],
      ["x", "y", "z"],
      [],
    ]);
    assert.equal(expandedExpression(db, ["nosuchword"]), null);
    assert.equal(expandedExpression(db, ["timeout", "nosuchword"]), null);
  } finally {
    done();
  }
});

test("expanded queries return exactly the lines, order and cursors of plain prefix queries", () => {
  const { db, done } = open();
  try {
    const lines = fill(db, 3000);
    for (const q of QUERIES) {
      const none = /nosuchword|resum|^cafe$/.test(q.text!); // LIKE does not fold é
      assert.equal(expected(lines, q).length === 0, none, `${q.text} finds lines unless absent`);
      for (const limit of [1000, 37]) {
        const fast = allPages(db, { ...q, limit });
        const plain = allPages(db, { ...q, limit }, PLAIN);
        assert.deepEqual(fast, plain, `${JSON.stringify(q)} limit ${limit}`);
        assert.deepEqual(
          fast.flatMap((p) => p.lines.map((l) => l.id)),
          expected(lines, q).map((l) => l.id),
          `${JSON.stringify(q)} limit ${limit}`,
        );
      }
    }
    const common = allPages(db, { text: "timeout", limit: 37 });
    assert.ok(common.length > 5, "the common word spans many pages");
    assert.ok(common.every((p, i) => i === common.length - 1 || /^i\d+$/.test(p.next_cursor!)));
  } finally {
    done();
  }
});

test("after lines are deleted (retention), expanded and plain queries still agree", () => {
  const { db, done } = open();
  try {
    const lines = fill(db, 1500);
    const gone = lines.filter((l) => /timeouted|id12\d/.test(l.message) || l.id % 3 === 0);
    deleteRows(db, gone.map((l) => l.id));
    const kept = lines.filter((l) => !gone.includes(l));
    for (const q of [...QUERIES, { text: "timeouted" }, { text: "id12" }]) {
      const fast = allPages(db, { ...q, limit: 50 });
      assert.deepEqual(fast, allPages(db, { ...q, limit: 50 }, PLAIN), JSON.stringify(q));
      assert.deepEqual(
        fast.flatMap((p) => p.lines.map((l) => l.id)),
        expected(kept, q).map((l) => l.id),
        JSON.stringify(q),
      );
    }
  } finally {
    done();
  }
});

test("a text query inside the caller's transaction works and leaves it open", () => {
  const { db, done } = open();
  try {
    fill(db, 200);
    db.exec("BEGIN");
    const page = queryLogs(db, { text: "timeout", level: "trace" as LogLevel, limit: 5 });
    assert.equal(page.lines.length, 5);
    assert.ok(db.isTransaction);
    db.exec("COMMIT");
    assert.throws(() => queryLogs(db, { text: "timeout", cursor: "1_2" }), /Bad cursor "1_2"/);
    assert.ok(!db.isTransaction);
  } finally {
    done();
  }
});

const WINDOWED: LogsQuery[] = [
  { source: "svc1.job.j3", text: "timeout" },
  { source: "svc1.job.j3", text: "TIME" },
  { source: "svc1.job.j3", text: "caf" }, // "café" lines: checked by the scratch index
  { source: "svc1.job.j3", text: "Café" }, // folds to ASCII: can be scanned
  { source: "svc1", text: "ошиб" }, // folds to Cyrillic: walks the index
  { source: "svc2", text: "aus" },
  { source: "svc2", text: "connection ref" },
  { source: "svc0.*.j1", text: "took 12" },
  { source: "svc3", level: "warn", text: "id12", order: "oldest" },
  { job_id: 3, text: "t" },
  { job_id: 2, source: "svc1", text: "timeout" },
  { since: 1_000_100, until: 1_000_300, text: "connect" },
  { since: 1_000_900, text: "c", order: "oldest" },
  { source: "svc2.job.j0", text: "nosuchword" },
  { source: "svc2.job.j0", text: "gru" }, // a non-ASCII term: never scanned
];

test("pages read from a small source, job or time window equal the plain prefix query's", () => {
  const { db, done } = open();
  try {
    const lines = fill(db, 3000);
    for (const q of WINDOWED) {
      const none = /nosuchword/.test(q.text!);
      assert.equal(expected(lines, q).length === 0, none, `${JSON.stringify(q)} finds lines`);
      for (const limit of [1000, 7]) {
        const plain = allPages(db, { ...q, limit }, PLAIN);
        const what = `${JSON.stringify(q)} limit ${limit}`;
        assert.deepEqual(allPages(db, { ...q, limit }, { textPlan: "scan" }), plain, what);
        assert.deepEqual(allPages(db, { ...q, limit }), plain, what);
        assert.deepEqual(
          plain.flatMap((p) => p.lines.map((l) => l.id)),
          expected(lines, q).map((l) => l.id),
          what,
        );
      }
    }
  } finally {
    done();
  }
});

test("the window to read is the smallest of source, job and time, counted on its index", () => {
  const { db, done } = open();
  try {
    const lines = fill(db, 3000);
    const count = (f: (l: Line) => boolean) => lines.filter(f).length;
    assert.deepEqual(scanWindow(db, { source: "svc1.job.j3" }), {
      index: "logs_by_source_ts",
      lines: count((l) => l.source === "svc1.job.j3"),
    });
    assert.deepEqual(scanWindow(db, { source: "svc1", job_id: 2 }), {
      index: "logs_by_job",
      lines: count((l) => l.job === 2),
    });
    assert.deepEqual(scanWindow(db, { source: "svc1", since: 1_000_990 }), {
      index: "logs_by_ts",
      lines: count((l) => l.ts >= 1_000_990),
    });
    assert.equal(scanWindow(db, { text: "timeout" }), undefined, "no window");
    // More lines than a scan may read: the index is walked instead.
    const add = db.prepare(
      "INSERT INTO logs (ts, level, source, message) VALUES (1, 2, 'big', 'x')",
    );
    db.exec("BEGIN");
    for (let i = 0; i <= MAX_SCAN_LINES; i++) add.run();
    db.exec("COMMIT");
    assert.equal(scanWindow(db, { source: "big" }), undefined, "summary not updated: counted");
    // Reading a window pays when the words are common and the window small, not otherwise.
    const small = scanWindow(db, { source: "svc1.job.j3" })!;
    queryLogs(db, { text: "timeout" }); // makes the vocabulary table
    assert.equal(scanIsCheaper(db, small, [["timeout", "timeouts"]], 100), true);
    assert.equal(scanIsCheaper(db, small, [["timeouted"], ["timeout"]], 100), false, "rare word");
    assert.equal(scanIsCheaper(db, { ...small, lines: 2000 }, [["timeout"]], 100), false);
  } finally {
    done();
  }
});

test("a word with `_` is searched as the words the tokenizer makes of it", () => {
  const { db, done } = open();
  try {
    const add = db.prepare("INSERT INTO logs (ts, level, source, message) VALUES (1, 2, 'a', ?)");
    const index = db.prepare("INSERT INTO logs_fts (rowid, message) VALUES (?, ?)");
    for (const m of ["bad user_id 7", "user id 7", "user_identity ok", "the _private flag", "x_"]) {
      index.run(Number(add.run(m).lastInsertRowid), m);
    }
    const texts = (text: string, opts?: QueryOptions) =>
      queryLogs(db, { text, order: "oldest" }, opts).lines.map((l) => l.message);
    for (const opts of [{}, PLAIN]) {
      assert.deepEqual(texts("user_id", opts), ["bad user_id 7", "user_identity ok"]);
      assert.deepEqual(texts("USER_ID 7", opts), ["bad user_id 7"]);
      assert.deepEqual(texts("user_ident", opts), ["user_identity ok"]);
      assert.deepEqual(texts("_priv", opts), ["the _private flag"]);
      assert.deepEqual(texts("_", opts), [], "no word: matches nothing, as before");
    }
  } finally {
    done();
  }
});
