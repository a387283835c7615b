/** hero_proc.db across releases: a file written by an older release opens and keeps its rows. */
import assert from "node:assert/strict";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { tempDir } from "../test_support.ts";
import { openDatabase } from "./database.ts";

test("an old hero_proc.db with the first release's logs table opens, its jobs kept, the table gone", () => {
  const t = tempDir("hero_proc_db_");
  try {
    const old = new DatabaseSync(path.join(t.dir, "hero_proc.db"));
    old.exec(`
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, service TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL DEFAULT '', command TEXT NOT NULL, cwd TEXT, state TEXT NOT NULL,
        health TEXT NOT NULL DEFAULT 'unknown', pid INTEGER, pgid INTEGER, pid_start INTEGER,
        attempt INTEGER NOT NULL DEFAULT 0, exit_code INTEGER, signal TEXT, reason TEXT,
        created_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER
      );
      INSERT INTO jobs (command, state, created_at) VALUES ('["true"]', 'succeeded', 1);
      CREATE TABLE logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, source TEXT NOT NULL,
        job_id INTEGER, level TEXT NOT NULL, line TEXT NOT NULL
      );
      CREATE INDEX logs_by_job ON logs (job_id, id);
      CREATE INDEX logs_by_source ON logs (source, id);
      INSERT INTO logs (ts, source, job_id, level, line) VALUES (1, 'a.main.stdout', 1, 'info', 'x');
    `);
    old.close();

    const db = openDatabase(t.dir);
    const names = db.prepare("SELECT name FROM sqlite_master").all().map((r) => String(r.name));
    assert.ok(!names.some((n) => n === "logs" || n.startsWith("logs_by_")), names.join(", "));
    assert.deepEqual(
      db.prepare("SELECT command, state, shim_pid FROM jobs").all().map((r) => ({ ...r })),
      [{ command: '["true"]', state: "succeeded", shim_pid: null }],
    );
    db.close();
    // Opening again (nothing left to drop) is fine too.
    openDatabase(t.dir).close();
  } finally {
    t.cleanup();
  }
});
