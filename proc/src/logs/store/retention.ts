/**
 * Retention: lines older than the maximum age go, and when the database passes 90 % of its
 * budget (the size cap less the WAL's room: `dbBudgetBytes`) lines go until it is back under
 * 80 % — fairly: always the oldest lines of the service (first source segment) holding the
 * most text, so a flood evicts its own history first and every service keeps at least an
 * equal share (a service below 80 % of the budget / number-of-services is never evicted while
 * another is above it). Lines evicted by the cap are counted per source
 * (`log_sources.evicted`, kept across restarts); expiry by age is not eviction. Free pages are
 * given back to the file system (incremental vacuum), so the files on disk (database, WAL and
 * its index), not only the pages in use, stay within the cap. Deletion runs in bounded chunks
 * (ids first, then rows, FTS entries and per-source counts in one transaction) so a sweep
 * never holds the event loop long enough to delay other services' lines.
 */
import type { DatabaseSync } from "node:sqlite";
import { dropOldestChunks } from "./log_chunks.ts";
import { dbBudgetBytes } from "./log_schema.ts";

/** Retention settings. */
export interface RetentionPolicy {
  /** Lines older than this are deleted (default 7 days; 0 = keep forever). */
  maxAgeMs: number;
  /** Size cap of the log files on disk (database, WAL, WAL index) in bytes (0 = none). */
  maxBytes: number;
}

/** Default retention: 7 days, 1 GiB. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  maxAgeMs: 7 * 24 * 3600_000,
  maxBytes: 1024 ** 3,
};

/** Most rows deleted per chunk. */
const CHUNK = 5_000;

/** Bytes the database uses (pages in use, free pages excluded). */
export function usedBytes(db: DatabaseSync): number {
  const pages = Number(db.prepare("PRAGMA page_count").get()!.page_count);
  const free = Number(db.prepare("PRAGMA freelist_count").get()!.freelist_count);
  const size = Number(db.prepare("PRAGMA page_size").get()!.page_size);
  return (pages - free) * size;
}

/**
 * Deletes the rows with these ids, their FTS entries and their share of the source counts,
 * inside the caller's transaction (or as its own statements); returns how many rows went.
 */
export function deleteRows(db: DatabaseSync, ids: number[], evict = false): number {
  if (!ids.length) return 0;
  db.exec("CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)");
  let n = 0;
  {
    const mark = db.prepare("INSERT OR IGNORE INTO doomed (id) VALUES (?)");
    for (const id of ids) mark.run(id);
    const counts = db.prepare(
      "SELECT source, count(*) AS n, sum(length(message)) AS b FROM logs " +
        "WHERE id IN (SELECT id FROM doomed) GROUP BY source",
    ).all();
    const dec = db.prepare(
      "UPDATE log_sources SET lines = max(0, lines - ?), bytes = max(0, bytes - ?), " +
        "evicted = evicted + ? WHERE source = ?",
    );
    for (const c of counts) {
      const k = Number(c.n);
      dec.run(k, Number(c.b ?? 0), evict ? k : 0, String(c.source));
      n += k;
    }
    // A contentless FTS5 entry is removed by giving back the text it indexed.
    const fts = db.prepare(
      "INSERT INTO logs_fts (logs_fts, rowid, message) VALUES ('delete', ?, ?)",
    );
    for (
      const r of db.prepare("SELECT id, message FROM logs WHERE id IN (SELECT id FROM doomed)")
        .all()
    ) {
      fts.run(Number(r.id), String(r.message));
    }
    db.exec("DELETE FROM logs WHERE id IN (SELECT id FROM doomed)");
    db.exec("DELETE FROM log_sources WHERE lines = 0 AND dropped = 0 AND evicted = 0");
    db.exec("DELETE FROM doomed");
  }
  return n;
}

/**
 * Evicts about `bytes` of text fairly: the services holding the most text are cut down to a
 * common level (water filling), each losing its oldest indexed lines, at most a chunk per
 * service per step. Returns how many lines went (0 when nothing indexed can go).
 */
function evictFairly(db: DatabaseSync, bytes: number): number {
  const roots = db.prepare(
    "SELECT substr(source, 1, instr(source || '.', '.') - 1) AS root, sum(bytes) AS b, " +
      "sum(lines) AS n FROM log_sources WHERE lines > 0 GROUP BY root ORDER BY b DESC",
  ).all().map((r) => ({ root: String(r.root), b: Number(r.b), n: Number(r.n) }));
  if (!roots.length) return 0;
  // The level L with sum(max(0, b - L)) = bytes: the k largest are cut down to it.
  let level = 0, sum = 0;
  for (let k = 0; k < roots.length; k++) {
    sum += roots[k].b;
    const l = (sum - bytes) / (k + 1);
    const next = k + 1 < roots.length ? roots[k + 1].b : 0;
    if (l >= next) {
      level = Math.max(0, l);
      break;
    }
  }
  const pick = db.prepare("SELECT id FROM logs WHERE root = ? ORDER BY ts LIMIT ?");
  let n = 0;
  for (const r of roots) {
    if (r.b <= level) break;
    const take = Math.min(CHUNK, Math.max(1, Math.ceil(r.n * (r.b - level) / Math.max(1, r.b))));
    const ids = pick.all(r.root, take).map((x) => Number(x.id));
    if (ids.length) n += deleteRows(db, ids, true);
  }
  return n;
}

/** Gives free pages back to the file system once the file nears its budget within the cap. */
export function shrinkFile(db: DatabaseSync, maxBytes: number): void {
  if (maxBytes <= 0) return;
  maxBytes = dbBudgetBytes(maxBytes);
  const size = Number(db.prepare("PRAGMA page_size").get()!.page_size);
  const pages = Number(db.prepare("PRAGMA page_count").get()!.page_count);
  const free = Number(db.prepare("PRAGMA freelist_count").get()!.freelist_count);
  if (free > 0 && pages * size > maxBytes * 0.85) db.exec("PRAGMA incremental_vacuum");
}

/** Deletes one chunk of lines older than `cutoff` (ms); returns how many went. */
function deleteOlderThan(db: DatabaseSync, cutoff: number): number {
  const ids = db.prepare("SELECT id FROM logs WHERE ts < ? ORDER BY ts LIMIT ?").all(cutoff, CHUNK)
    .map((r) => Number(r.id));
  return deleteRows(db, ids);
}

/**
 * One retention step: age first, then size. Returns the rows deleted (0 when within policy);
 * the caller repeats on the next tick while it returns a full chunk. Without `totalLines`, the
 * per-source counts give it when needed.
 */
export function retentionStep(
  db: DatabaseSync,
  policy: RetentionPolicy,
  totalLines?: number,
  now = Date.now(),
): number {
  // One IMMEDIATE transaction from measuring to deleting: two connections running retention
  // (the indexer, and a caller of enforceRetention) then never both delete the same share.
  db.exec("CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)");
  db.exec("BEGIN IMMEDIATE");
  let n: number;
  try {
    n = retentionWork(db, policy, totalLines, now);
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  shrinkFile(db, policy.maxBytes);
  return n;
}

function retentionWork(
  db: DatabaseSync,
  policy: RetentionPolicy,
  totalLines: number | undefined,
  now: number,
): number {
  if (policy.maxAgeMs > 0) {
    const n = deleteOlderThan(db, now - policy.maxAgeMs);
    if (n) return n;
  }
  if (policy.maxBytes > 0 && totalLines !== 0) {
    const used = usedBytes(db);
    const budget = dbBudgetBytes(policy.maxBytes);
    // Acting at 90 % leaves room for the batches written before the next step; past the
    // cap itself, several chunks go at once so the store shrinks faster than a flood fills it.
    if (used > budget * 0.9) {
      const share = (used - budget * 0.8) / used;
      totalLines ??= storedLines(db);
      let want = Math.max(1, Math.ceil(totalLines * share));
      const text = Number(
        db.prepare("SELECT coalesce(sum(bytes), 0) AS b FROM log_sources").get()!.b,
      );
      let n = 0;
      for (let chunk = 0; chunk < (used > budget ? 4 : 1) && want > 0; chunk++) {
        // Indexed lines are the oldest; past them, lines still waiting for the indexer go too.
        const bytes = Math.max(1, text * want / Math.max(1, totalLines));
        const d = evictFairly(db, bytes) || dropOldestChunks(db, Math.min(want, CHUNK));
        if (!d) break;
        n += d;
        want -= d;
      }
      if (n) db.exec("DELETE FROM log_sources WHERE lines = 0 AND dropped = 0 AND evicted = 0");
      return n;
    }
  }
  return 0;
}

/** Lines stored, as counted per source in `log_sources` (indexed or waiting in chunks). */
export function storedLines(db: DatabaseSync): number {
  return Number(db.prepare("SELECT coalesce(sum(lines), 0) AS n FROM log_sources").get()!.n);
}

/** Whether lines are due to go: the oldest is past the age limit, or the file nears the cap. */
export function retentionDue(db: DatabaseSync, policy: RetentionPolicy, now = Date.now()): boolean {
  const { maxAgeMs, maxBytes } = policy;
  const oldest = db.prepare("SELECT ts FROM logs ORDER BY id LIMIT 1").get();
  const aged = maxAgeMs > 0 && oldest != null && Number(oldest.ts) < now - maxAgeMs;
  return aged || (maxBytes > 0 && usedBytes(db) > dbBudgetBytes(maxBytes) * 0.9);
}
