/** The admin's log reader on a real SQLite file: prefix tree counts and every filter. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { tempDir } from "../test_support.ts";
import { buildTree, SqliteLogReader } from "./log_reader.ts";

test("buildTree sums counts up the dotted prefixes, children sorted (numbers naturally)", () => {
  const t = buildTree([
    { source: "api.server.stdout", count: 3 },
    { source: "api.server.stderr", count: 1 },
    { source: "job.10.stdout", count: 2 },
    { source: "job.9.stdout", count: 5 },
  ]);
  assert.equal(t.count, 11);
  assert.deepEqual(t.children.map((c) => [c.prefix, c.count]), [["api", 4], ["job", 7]]);
  assert.deepEqual(t.children[1].children.map((c) => c.name), ["9", "10"]);
  assert.equal(t.children[0].children[0].children[1].prefix, "api.server.stdout");
});

test("SqliteLogReader filters by prefix (not by string start), level, job, text and id", () => {
  const { dir, cleanup } = tempDir("hero_logreader_");
  const db = new DatabaseSync(`${dir}/logs.db`);
  try {
    db.exec(`CREATE TABLE logs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,
      source TEXT NOT NULL, job_id INTEGER, level TEXT NOT NULL, line TEXT NOT NULL)`);
    const insert = db.prepare(
      "INSERT INTO logs (ts, source, job_id, level, line) VALUES (?, ?, ?, ?, ?)",
    );
    insert.run(1, "api.server.stdout", 1, "info", "listening on 8080");
    insert.run(2, "api.server.stderr", 1, "error", "Disk FULL");
    insert.run(3, "apiary.main.stdout", 2, "warn", "bees 100%_done");
    insert.run(4, "api.server.stdout", 1, "debug", "tick");
    let flushed = 0;
    const r = new SqliteLogReader(db, () => flushed++);
    assert.deepEqual(r.query({ source: "api" }).map((l) => l.id), [1, 2, 4]);
    assert.deepEqual(r.query({ level: "warn" }).map((l) => l.id), [2, 3]);
    assert.deepEqual(r.query({ jobId: 2 }).map((l) => l.line), ["bees 100%_done"]);
    assert.deepEqual(r.query({ text: "disk full" }).map((l) => l.id), [2]);
    assert.deepEqual(
      r.query({ text: "%_" }).map((l) => l.id),
      [3],
      "text is literal, not a LIKE pattern",
    );
    assert.deepEqual(r.query({ afterId: 2 }).map((l) => l.id), [3, 4]);
    assert.deepEqual(
      r.query({ limit: 2 }).map((l) => l.id),
      [3, 4],
      "the newest lines, oldest first",
    );
    assert.equal(r.tree().count, 4);
    assert.ok(flushed >= 8, "queued lines are flushed before every read");
  } finally {
    db.close();
    cleanup();
  }
});
