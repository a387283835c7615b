/**
 * The simple log table: lines are queued in memory and written in one transaction every
 * 100 ms (or right after the current I/O when a burst of 4096 lines is queued), so capture
 * never waits on SQLite; a child that outruns the disk for long only fills a bounded queue,
 * after which lines are dropped and counted.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { LogEntry, LogQuery, LogSink, StoredLogEntry } from "./log_sink.ts";

/** Queued lines that trigger an early flush. */
const BURST = 4096;

/** Options of {@link SqliteLogSink}. */
export interface SqliteLogSinkOptions {
  /** Most queued lines before new ones are dropped (default 100 000). */
  maxQueued?: number;
  /** Flush period in milliseconds (default 100). */
  flushMs?: number;
}

/** A {@link LogSink} writing to the `logs` table of hero_proc's database. */
export class SqliteLogSink implements LogSink {
  readonly #db: DatabaseSync;
  readonly #maxQueued: number;
  #queue: LogEntry[] = [];
  #dropped = 0;
  #timer: ReturnType<typeof setInterval>;
  #insert?: StatementSync;
  #soon?: ReturnType<typeof setImmediate>;

  /** Starts the background flush. */
  constructor(db: DatabaseSync, opts: SqliteLogSinkOptions = {}) {
    this.#db = db;
    this.#maxQueued = opts.maxQueued ?? 100_000;
    this.#timer = setInterval(() => this.flush(), opts.flushMs ?? 100);
    this.#timer.unref();
  }

  /** Lines dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a line; a burst triggers a flush right after the current I/O instead of waiting. */
  write(entry: LogEntry): void {
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped++;
      return;
    }
    this.#queue.push(entry);
    if (this.#queue.length >= BURST && !this.#soon) {
      this.#soon = setImmediate(() => {
        this.#soon = undefined;
        this.flush();
      });
    }
  }

  /** Writes all queued lines in one transaction. */
  flush(): void {
    if (!this.#queue.length || !this.#db.isOpen) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#insert ??= this.#db.prepare(
      "INSERT INTO logs (ts, source, job_id, level, line) VALUES (?, ?, ?, ?, ?)",
    );
    const insert = this.#insert;
    this.#db.exec("BEGIN");
    try {
      for (const e of batch) insert.run(e.ts, e.source, e.jobId, e.level, e.line);
      this.#db.exec("COMMIT");
    } catch {
      this.#db.exec("ROLLBACK");
      this.#dropped += batch.length;
    }
  }

  /** Reads lines back, oldest first. */
  query(q: LogQuery): StoredLogEntry[] {
    this.flush();
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (q.source) {
      where.push("(source = ? OR source LIKE ? ESCAPE '\\')");
      args.push(q.source, `${q.source.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`);
    }
    if (q.jobId !== undefined) (where.push("job_id = ?"), args.push(q.jobId));
    if (q.afterId !== undefined) (where.push("id > ?"), args.push(q.afterId));
    const limit = Math.min(q.limit ?? 100, 10_000);
    const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const sql = q.afterId !== undefined
      ? `SELECT * FROM logs ${cond} ORDER BY id ASC LIMIT ?`
      : `SELECT * FROM (SELECT * FROM logs ${cond} ORDER BY id DESC LIMIT ?) ORDER BY id ASC`;
    return this.#db.prepare(sql).all(...args, limit).map((r) => ({
      id: Number(r.id),
      ts: Number(r.ts),
      source: String(r.source),
      jobId: r.job_id === null ? null : Number(r.job_id),
      level: String(r.level) as LogEntry["level"],
      line: String(r.line),
    }));
  }

  /** Flushes and stops. */
  close(): void {
    clearInterval(this.#timer);
    if (this.#soon) clearImmediate(this.#soon);
    this.flush();
  }
}
