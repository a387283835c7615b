/**
 * Opens hero_proc's SQLite database (WAL, so readers never block the writer and a crash
 * loses at most the last transaction) and creates the schema.
 */
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS services (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  source TEXT NOT NULL,
  desired TEXT NOT NULL DEFAULT 'down',
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  service TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL DEFAULT '',
  command TEXT NOT NULL,
  cwd TEXT,
  state TEXT NOT NULL,
  health TEXT NOT NULL DEFAULT 'unknown',
  pid INTEGER,
  pgid INTEGER,
  pid_start INTEGER,
  attempt INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  signal TEXT,
  reason TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  ended_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_action ON jobs (service, action, id);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state);
CREATE TABLE IF NOT EXISTS job_outcomes_pruned (
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  state TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (service, action, state)
) WITHOUT ROWID;
`;

/** Opens (creating if needed) the database file `hero_proc.db` in `stateDir`. */
export function openDatabase(stateDir: string): DatabaseSync {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path.join(stateDir, "hero_proc.db"));
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec(SCHEMA);
  // Columns added after the first release.
  const have = new Set(db.prepare("PRAGMA table_info(jobs)").all().map((r) => String(r.name)));
  for (const c of ["shim_pid", "shim_start"]) {
    if (!have.has(c)) db.exec(`ALTER TABLE jobs ADD COLUMN ${c} INTEGER`);
  }
  // Captured output lives in logs.db (the log store); older files still hold the first
  // release's `logs` table, which nothing reads any more (its indexes go with it).
  db.exec("DROP TABLE IF EXISTS logs");
  return db;
}
