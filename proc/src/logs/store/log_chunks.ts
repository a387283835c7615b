/**
 * Chunks: how accepted lines wait for indexing. Capture hands over runs of lines as bytes and
 * `logs.insert` whole batches, so accepting a line is one append of a chunk row, not an index
 * update; the indexer later expands a chunk into `logs` rows and FTS entries. Lines get their
 * ids on arrival, so a line is readable (and followable) before it is indexed. No SDK imports:
 * the indexing worker loads this module.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";
import { lineLevel } from "../capture/line_level.ts";
import { blockLines } from "../capture/line_splitter.ts";

/** One line as stored: ts, level number, source, service, job, message, fields JSON. */
export type Row = [number, number, string, string | null, number | null, string, string | null];

/** Accepted lines with consecutive ids from `firstId`. */
export interface Chunk {
  firstId: number;
  lines: number;
  kind: "text" | "rows";
  /** Oldest and newest line times (text: both the arrival time of every line). */
  ts: number;
  tsMax: number;
  /** When the chunk was accepted. */
  arrived: number;
  /** Text chunks: the source, job and stream of every line. */
  source: string | null;
  jobId: number | null;
  stream: "stdout" | "stderr" | null;
  /** Text: the lines as bytes; rows: the rows (in memory) or their JSON (as stored). */
  body: Uint8Array | Row[] | string;
}

/** A line with its id: [id, ...Row]. */
export type IdRow = [number, ...Row];

/** The first segment of a source: the service that produced it. */
export function serviceOf(source: string): string | null {
  const dot = source.indexOf(".");
  return (dot === -1 ? source : source.slice(0, dot)) || null;
}

/** The lines of a chunk with their ids. */
export function chunkRows(c: Chunk): IdRow[] {
  const out: IdRow[] = [];
  if (c.kind === "text") {
    const bytes = c.body instanceof Uint8Array ? c.body : new TextEncoder().encode(String(c.body));
    const stream = c.stream ?? "stdout";
    const service = serviceOf(c.source!);
    const lines = blockLines(bytes);
    let previous: LogLevel | undefined;
    for (let i = 0; i < lines.length; i++) {
      previous = lineLevel(stream, lines[i], previous);
      const level = LOG_LEVELS.indexOf(previous);
      out.push([c.firstId + i, c.ts, level, c.source!, service, c.jobId, lines[i], null]);
    }
  } else {
    const rows: Row[] = typeof c.body === "string"
      ? JSON.parse(c.body)
      : c.body instanceof Uint8Array
      ? JSON.parse(new TextDecoder().decode(c.body))
      : c.body;
    for (let i = 0; i < rows.length; i++) out.push([c.firstId + i, ...rows[i]]);
  }
  return out;
}

/** A chunk row as read from `log_chunks`. */
export function chunkFromRow(r: Record<string, unknown>): Chunk {
  return {
    firstId: Number(r.first_id),
    lines: Number(r.lines),
    kind: r.kind === "text" ? "text" : "rows",
    ts: Number(r.ts),
    tsMax: Number(r.ts_max),
    arrived: Number(r.arrived),
    source: r.source == null ? null : String(r.source),
    jobId: r.job_id == null ? null : Number(r.job_id),
    stream: r.stream === "stderr" ? "stderr" : r.stream === "stdout" ? "stdout" : null,
    body: r.body as Uint8Array | string,
  };
}

const appendStatements = new WeakMap<DatabaseSync, StatementSync>();

/** Appends chunks to `log_chunks` (inside the caller's transaction). */
export function appendChunks(db: DatabaseSync, chunks: readonly Chunk[]): void {
  let stmt = appendStatements.get(db);
  if (!stmt) {
    stmt = db.prepare(
      "INSERT INTO log_chunks " +
        "(first_id, lines, kind, ts, ts_max, arrived, source, job_id, stream, body) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    appendStatements.set(db, stmt);
  }
  for (const c of chunks) {
    const body = Array.isArray(c.body) ? JSON.stringify(c.body) : c.body;
    stmt.run(
      c.firstId,
      c.lines,
      c.kind,
      c.ts,
      c.tsMax,
      c.arrived,
      c.source,
      c.jobId,
      c.stream,
      body,
    );
  }
}

/**
 * Retention of lines still waiting: deletes the oldest chunks, about `maxLines` lines, with
 * their share of the per-source counts, counted as evicted (inside the caller's transaction);
 * returns the lines.
 */
export function dropOldestChunks(db: DatabaseSync, maxLines: number): number {
  const chunks = db.prepare("SELECT * FROM log_chunks ORDER BY first_id LIMIT 64").all()
    .map(chunkFromRow);
  const dec = db.prepare(
    "UPDATE log_sources SET lines = max(0, lines - ?), bytes = max(0, bytes - ?), " +
      "evicted = evicted + ? WHERE source = ?",
  );
  const drop = db.prepare("DELETE FROM log_chunks WHERE first_id = ?");
  let n = 0;
  for (const c of chunks) {
    if (n && n + c.lines > maxLines) break;
    const per = new Map<string, { n: number; bytes: number }>();
    for (const r of chunkRows(c)) {
      const p = per.get(r[3]);
      if (p) (p.n++, p.bytes += r[6].length);
      else per.set(r[3], { n: 1, bytes: r[6].length });
    }
    for (const [source, k] of per) dec.run(k.n, k.bytes, k.n, source);
    drop.run(c.firstId);
    n += c.lines;
  }
  return n;
}

/** Statements of {@link indexStep}, prepared once per connection. */
const prepared = new WeakMap<DatabaseSync, ReturnType<typeof prepare>>();

function prepare(db: DatabaseSync) {
  return {
    take: db.prepare("SELECT * FROM log_chunks ORDER BY first_id LIMIT ?"),
    // One statement per chunk: SQLite unpacks the JSON array, far cheaper than a call per line.
    insert: db.prepare(
      "INSERT INTO logs (id, ts, level, source, service, job_id, message, fields) " +
        "SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, " +
        "value->>7 FROM json_each(?)",
    ),
    fts: db.prepare(
      "INSERT INTO logs_fts (rowid, message) SELECT id, message FROM logs WHERE id BETWEEN ? AND ?",
    ),
    drop: db.prepare("DELETE FROM log_chunks WHERE first_id BETWEEN ? AND ?"),
  };
}

/**
 * Indexes the oldest chunks, about `maxLines` lines, in one transaction: rows, FTS entries,
 * chunks deleted. Returns the lines indexed (0 when nothing waits) and the last id indexed.
 */
export function indexStep(db: DatabaseSync, maxLines = 4000): { lines: number; lastId: number } {
  let s = prepared.get(db);
  if (!s) prepared.set(db, s = prepare(db));
  db.exec("BEGIN IMMEDIATE");
  try {
    const chunks = s.take.all(64).map(chunkFromRow);
    let n = 0, first = 0, last = 0, bytes = 0;
    for (const c of chunks) {
      // Lines and bytes bound a transaction (and the memory of the worker that runs it).
      const size = typeof c.body === "string" || c.body instanceof Uint8Array ? c.body.length : 0;
      if (n && (n + c.lines > maxLines || bytes + size > 16 * 1024 * 1024)) break;
      bytes += size;
      const rows = chunkRows(c);
      if (rows.length) s.insert.run(JSON.stringify(rows));
      if (!n) first = c.firstId;
      last = c.firstId + c.lines - 1;
      n += c.lines;
    }
    if (last) {
      s.fts.run(first, last);
      s.drop.run(first, last);
    }
    db.exec("COMMIT");
    return { lines: n, lastId: last };
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}
