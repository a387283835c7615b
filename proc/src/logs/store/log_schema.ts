/**
 * The log database: a file of its own (`<state dir>/logs.db`, never the state database) so a
 * flood of lines can never slow or bloat the supervisor's state. WAL mode, one row per line,
 * indexes for "this service, newest first", "this source prefix in this time window" and
 * "this job", a contentless FTS5 index for full text (retention removes its entries by giving
 * back the indexed text, far cheaper than contentless_delete's tombstones), and a small
 * per-source summary table that makes `logs.tree` independent of the number of lines, and the
 * chunks of accepted lines waiting to be indexed.
 */
import { DatabaseSync } from "node:sqlite";
import { HeroError } from "@hero/sdk";
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";

/** The stored number of a level, or a clear error. */
export function levelNumber(level: string): number {
  const n = LOG_LEVELS.indexOf(level as LogLevel);
  if (n === -1) {
    throw new HeroError(
      "INVALID_PARAMS",
      `Unknown log level "${level}"; use one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return n;
}

const DDL = `
CREATE TABLE IF NOT EXISTS logs (
  id      INTEGER PRIMARY KEY,
  ts      INTEGER NOT NULL,
  level   INTEGER NOT NULL,
  source  TEXT NOT NULL,
  service TEXT,
  job_id  INTEGER,
  message TEXT NOT NULL,
  fields  TEXT,
  -- The first segment of the source: every prefix query knows it, so (root, ts) answers
  -- "newest lines of this service" in time order without sorting.
  root    TEXT GENERATED ALWAYS AS (substr(source, 1, instr(source || '.', '.') - 1)) VIRTUAL
);
CREATE INDEX IF NOT EXISTS logs_by_root_ts ON logs (root, ts);
CREATE INDEX IF NOT EXISTS logs_by_source_ts ON logs (source, ts);
CREATE INDEX IF NOT EXISTS logs_by_ts ON logs (ts);
CREATE INDEX IF NOT EXISTS logs_by_job ON logs (job_id, ts) WHERE job_id IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS logs_fts USING fts5(
  message, content='', detail=none
);
-- Accepted lines not yet indexed: a run of captured lines as bytes (kind 'text': one source,
-- job and arrival time) or a logs.insert batch as JSON rows (kind 'rows'). Ids are given on
-- arrival (first_id .. first_id + lines - 1); the indexer moves a chunk into logs and FTS in
-- one transaction, so every line is in exactly one of the two tables.
CREATE TABLE IF NOT EXISTS log_chunks (
  first_id INTEGER PRIMARY KEY,
  lines    INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  ts       INTEGER NOT NULL,   -- the oldest and newest line times
  ts_max   INTEGER NOT NULL,
  arrived  INTEGER NOT NULL,   -- when the chunk was accepted (the indexer's schedule)
  source   TEXT,
  job_id   INTEGER,
  stream   TEXT,
  body     BLOB NOT NULL
);
-- Per source: lines stored, newest time, lines refused by flood control, lines evicted by the
-- size cap, and the bytes of text stored (what fair retention compares).
CREATE TABLE IF NOT EXISTS log_sources (
  source  TEXT PRIMARY KEY,
  lines   INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  dropped INTEGER NOT NULL DEFAULT 0,
  evicted INTEGER NOT NULL DEFAULT 0,
  bytes   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- How far each job's output file (hero_shim) is in committed lines: a new daemon resumes there.
CREATE TABLE IF NOT EXISTS log_offsets (
  job_id INTEGER NOT NULL,
  stream TEXT NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (job_id, stream)
) WITHOUT ROWID;
-- Store-wide counters that survive restarts (lines refused, by reason).
CREATE TABLE IF NOT EXISTS log_counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Columns added to log_sources after its first release (added to older files at open). */
const SOURCE_COLUMNS = ["evicted", "bytes"];

/**
 * How far the WAL file may grow for a size cap: checkpoints every twentieth of the cap (at
 * most 1000 pages) and the file is cut back to that after each (at least 1 MB, at most 64 MB);
 * the database's own budget leaves room for it (`dbBudgetBytes`), so the files on disk stay
 * within the cap. Applied to every connection (`checkpoint` false for the main thread's
 * writer, which leaves checkpoints to the indexer).
 */
export function walPragmas(maxBytes: number, checkpoint = true): string {
  const limit = walLimitBytes(maxBytes);
  const pages = Math.min(1000, Math.floor(limit / 4096));
  return `PRAGMA journal_size_limit = ${limit}; PRAGMA wal_autocheckpoint = ${
    checkpoint ? pages : 0
  }`;
}

/** The size the WAL is cut back to after a checkpoint, for a size cap. */
export function walLimitBytes(maxBytes: number): number {
  return maxBytes > 0 ? Math.max(1 << 20, Math.min(64 << 20, Math.floor(maxBytes / 20))) : 64 << 20;
}

/**
 * The part of a size cap the database file may use. The cap is what the files take on disk
 * (database, WAL and WAL index), so the WAL's room — up to twice its limit before a truncating
 * checkpoint — is set aside (at most half the cap, for very small caps).
 */
export function dbBudgetBytes(maxBytes: number): number {
  if (maxBytes <= 0) return 0;
  return Math.max(Math.floor(maxBytes / 2), maxBytes - 2 * walLimitBytes(maxBytes));
}

/** Opens (and creates) the log database at `file`; checks that FTS5 is available. */
export function openLogDatabase(file: string, maxBytes = 0): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(walPragmas(maxBytes));
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("PRAGMA cache_size = -32000");
  try {
    // Freed pages go back to the file system (incremental_vacuum after retention), so the
    // file itself stays within the size cap. Only takes effect before the first table exists;
    // an older file is converted once by VACUUM.
    db.exec("PRAGMA auto_vacuum = INCREMENTAL");
    db.exec(DDL);
    if (Number(db.prepare("PRAGMA auto_vacuum").get()!.auto_vacuum) !== 2) db.exec("VACUUM");
    const have = new Set(
      db.prepare("PRAGMA table_info(log_sources)").all().map((r) => String(r.name)),
    );
    for (const c of SOURCE_COLUMNS) {
      if (!have.has(c)) {
        db.exec(`ALTER TABLE log_sources ADD COLUMN ${c} INTEGER NOT NULL DEFAULT 0`);
      }
    }
  } catch (err) {
    db.close();
    const why = (err as Error).message;
    throw new HeroError(
      "LOG_STORE_UNAVAILABLE",
      `Cannot open the log store ${file}: ${why}${
        /fts5/i.test(why) ? " (this SQLite lacks FTS5; use Node >= 24 or Deno >= 2.9)" : ""
      }`,
      { cause: err },
    );
  }
  return db;
}
