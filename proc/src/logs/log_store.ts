/**
 * The log store behind `logs.*` and behind process capture. Lines are accepted without ever
 * blocking the caller (rate-limited per source, queued per source) and written in one
 * transaction per batch; each batch takes a fair share from every source's queue, so a
 * flooding service delays only its own lines. It implements the supervisor's {@link LogSink},
 * so captured output lands here unchanged.
 */
import path from "node:path";
import fs from "node:fs";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { HeroError } from "@hero/sdk";
import type { LogEntry, LogQuery, LogSink, StoredLogEntry } from "./log_sink.ts";
import { type Level, levelNumber, LEVELS, openLogDatabase } from "./log_schema.ts";
import { RateLimiter, type RateLimits } from "./rate_limiter.ts";
import { DEFAULT_RETENTION, type RetentionPolicy, retentionStep, usedBytes } from "./retention.ts";
import { DiskGuard } from "./disk_guard.ts";
import { legacyQuery, rowToRecord } from "./log_query.ts";

/** A line as `logs.insert` receives it. */
export interface NewLogLine {
  /** Milliseconds since the epoch (default: now). */
  ts?: number;
  level?: Level;
  source: string;
  service?: string | null;
  job_id?: number | null;
  message: string;
  fields?: Record<string, unknown>;
}

/** A stored line. */
export interface LogRecord {
  id: number;
  ts: number;
  level: Level;
  source: string;
  service: string | null;
  job_id: number | null;
  message: string;
  fields?: Record<string, unknown>;
}

/** Options of {@link LogStore}. */
export interface LogStoreOptions {
  /** The database file, e.g. `<state dir>/logs.db`. */
  file: string;
  retention?: Partial<RetentionPolicy>;
  /** Per-source flood control (default 50 000 lines/s, burst 1 000 000). */
  rate?: Partial<RateLimits>;
  /** Below this much free disk, new lines are refused (default 100 MB; 0 = never). */
  minFreeBytes?: number;
  /** Flush period (default 100 ms). */
  flushMs?: number;
  /** Most lines waiting in memory before new ones are dropped (default 2 000 000). */
  maxQueued?: number;
  /** Most lines written per transaction (default 10 000). */
  maxBatch?: number;
}

/** One source's waiting lines; `head` advances instead of shifting the array. */
interface SourceQueue {
  items: Pending[];
  head: number;
}

/** The first segment of a source: the service that produced it. */
function serviceOf(source: string): string | null {
  const dot = source.indexOf(".");
  return (dot === -1 ? source : source.slice(0, dot)) || null;
}

interface Pending {
  ts: number;
  level: number;
  source: string;
  service: string | null;
  job: number | null;
  message: string;
  fields: string | null;
}

/** The high-volume SQLite log store. */
export class LogStore implements LogSink {
  readonly db: DatabaseSync;
  readonly file: string;
  readonly retention: RetentionPolicy;
  readonly limiter: RateLimiter;
  readonly disk: DiskGuard;
  readonly #queues = new Map<string, SourceQueue>();
  readonly #maxQueued: number;
  readonly #maxBatch: number;
  readonly #insert: StatementSync;
  readonly #fts: StatementSync;
  readonly #source: StatementSync;
  readonly #maxId: StatementSync;
  readonly #subscribers = new Set<(records: LogRecord[]) => void>();
  #queued = 0;
  #written = 0;
  #totalLines: number;
  #dropped = { rate_limited: 0, queue_full: 0, disk_low: 0 };
  #lastDropReport = 0;
  #lastRetention = 0;
  #timer: ReturnType<typeof setInterval>;
  #soon = false;
  #closed = false;

  /** Opens the store and starts the background flush. */
  constructor(opts: LogStoreOptions) {
    this.file = opts.file;
    fs.mkdirSync(path.dirname(opts.file), { recursive: true, mode: 0o700 });
    this.db = openLogDatabase(opts.file);
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.limiter = new RateLimiter({ linesPerSecond: 50_000, burst: 1_000_000, ...opts.rate });
    this.disk = new DiskGuard(path.dirname(opts.file), opts.minFreeBytes ?? 100 * 1024 * 1024);
    this.#maxQueued = opts.maxQueued ?? 2_000_000;
    this.#maxBatch = opts.maxBatch ?? 10_000;
    // One statement per batch: SQLite unpacks the JSON array, which costs far less than a
    // native call per line.
    this.#insert = this.db.prepare(
      "INSERT INTO logs (ts, level, source, service, job_id, message, fields) " +
        "SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 " +
        "FROM json_each(?)",
    );
    this.#fts = this.db.prepare(
      "INSERT INTO logs_fts (rowid, message) SELECT id, message FROM logs WHERE id > ?",
    );
    this.#source = this.db.prepare(
      "INSERT INTO log_sources (source, lines, last_ts, dropped) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (source) DO UPDATE SET lines = lines + excluded.lines, " +
        "last_ts = max(last_ts, excluded.last_ts), dropped = dropped + excluded.dropped",
    );
    this.#maxId = this.db.prepare("SELECT coalesce(max(id), 0) AS id FROM logs");
    this.#totalLines = Number(
      this.db.prepare("SELECT coalesce(sum(lines), 0) AS n FROM log_sources").get()!.n,
    );
    this.#timer = setInterval(() => this.#tick(), opts.flushMs ?? 100);
    this.#timer.unref();
  }

  /** Lines refused so far (rate limit, full queue, low disk). */
  get dropped(): number {
    const d = this.#dropped;
    return d.rate_limited + d.queue_full + d.disk_low;
  }

  /** Drop counts by reason. */
  get droppedByReason(): { rate_limited: number; queue_full: number; disk_low: number } {
    return { ...this.#dropped };
  }

  /** Lines stored (as counted per source). */
  get totalLines(): number {
    return this.#totalLines;
  }

  /** Lines written since the store was opened. */
  get written(): number {
    return this.#written;
  }

  /** Lines waiting in memory. */
  get queued(): number {
    return this.#queued;
  }

  /** LogSink: queues a captured line; never throws. */
  write(e: LogEntry): void {
    if (this.#closed) return;
    if (this.disk.state.low) return void this.#dropped.disk_low++;
    this.#enqueue({
      ts: e.ts,
      level: LEVELS.indexOf(e.level),
      source: e.source,
      service: serviceOf(e.source),
      job: e.jobId,
      message: e.line,
      fields: null,
    });
  }

  /**
   * Queues validated lines from `logs.insert`; refuses the whole batch when the disk is low.
   * Returns how many were accepted and how many the rate limit dropped.
   */
  insert(lines: NewLogLine[]): { accepted: number; dropped: number } {
    if (this.#closed) throw new HeroError("SHUTTING_DOWN", "hero_proc is shutting down");
    if (this.disk.state.low) {
      this.#dropped.disk_low += lines.length;
      throw new HeroError("LOGS_DISK_LOW", `Cannot store log lines: ${this.disk.describe()}`, {
        details: {
          free_bytes: this.disk.state.freeBytes,
          min_free_bytes: this.disk.state.minFreeBytes,
        },
      });
    }
    const now = Date.now();
    let accepted = 0;
    for (const l of lines) {
      const ok = this.#enqueue({
        ts: l.ts ?? now,
        level: l.level ? levelNumber(l.level) : 2,
        source: l.source,
        service: l.service ?? serviceOf(l.source),
        job: l.job_id ?? null,
        message: l.message,
        fields: l.fields && Object.keys(l.fields).length ? JSON.stringify(l.fields) : null,
      });
      if (ok) accepted++;
    }
    return { accepted, dropped: lines.length - accepted };
  }

  /** Calls `fn` with every batch of stored lines; returns the unsubscribe function. */
  subscribe(fn: (records: LogRecord[]) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** LogSink: writes everything queued now. */
  flush(): void {
    while (this.#queued && !this.#closedDb()) this.#writeBatch();
    this.#reportDrops(true);
  }

  /**
   * Makes recently accepted lines readable before a query: writes the queue when it is one
   * batch or less; under a flood it does nothing, so a reader never stalls the event loop
   * (lines then become readable within a few flush periods).
   */
  catchUp(): void {
    if (this.#queued && this.#queued <= this.#maxBatch && !this.#closedDb()) this.#writeBatch();
  }

  /** LogSink: the supervisor's simple reads (job and service output). */
  query(q: LogQuery): StoredLogEntry[] {
    this.catchUp();
    return legacyQuery(this.db, q);
  }

  /** Database bytes in use (free pages excluded). */
  usedBytes(): number {
    return usedBytes(this.db);
  }

  /** Runs retention until the store is within policy (tests and shutdown use it). */
  enforceRetention(): number {
    let n = 0;
    for (let step; (step = retentionStep(this.db, this.retention, this.#totalLines)) > 0;) {
      n += step;
      this.#totalLines = Math.max(0, this.#totalLines - step);
    }
    return n;
  }

  /** Flushes, stops the timers and closes the database. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearInterval(this.#timer);
    this.disk.close();
    this.#subscribers.clear();
    this.db.close();
  }

  #closedDb(): boolean {
    return !this.db.isOpen;
  }

  #enqueue(p: Pending): boolean {
    if (!this.limiter.allow(p.source)) {
      this.#dropped.rate_limited++;
      return false;
    }
    if (this.#queued >= this.#maxQueued) {
      this.#dropped.queue_full++;
      return false;
    }
    this.#push(p);
    if (this.#queued >= this.#maxBatch && !this.#soon) {
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        this.#tick();
      });
    }
    return true;
  }

  #tick(): void {
    if (this.#closed) return;
    try {
      if (this.#queued) this.#writeBatch();
      this.#reportDrops(false);
      // The size check is three pragmas: every tick. The age check is a query: once a second.
      const now = Date.now();
      const ageDue = now - this.#lastRetention >= 1000;
      if (ageDue) this.#lastRetention = now;
      const policy = ageDue ? this.retention : { ...this.retention, maxAgeMs: 0 };
      const n = retentionStep(this.db, policy, this.#totalLines, now);
      this.#totalLines = Math.max(0, this.#totalLines - n);
      if (n && ageDue) this.#lastRetention = 0; // more may be old: check again next tick
    } catch (err) {
      console.error(`hero_proc: log store: ${(err as Error).message}`);
    }
    if (this.#queued && !this.#soon) {
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        this.#tick();
      });
    }
  }

  #push(p: Pending): void {
    const q = this.#queues.get(p.source);
    if (q) q.items.push(p);
    else this.#queues.set(p.source, { items: [p], head: 0 });
    this.#queued++;
  }

  /** Takes a fair share of every source's queue (water filling) for one transaction. */
  #takeFair(): Pending[] {
    const out: Pending[] = [];
    let budget = this.#maxBatch;
    let open = [...this.#queues.entries()];
    while (budget > 0 && open.length) {
      const share = Math.max(1, Math.floor(budget / open.length));
      const next: typeof open = [];
      for (const [source, q] of open) {
        const n = Math.min(share, q.items.length - q.head, budget);
        for (let i = 0; i < n; i++) out.push(q.items[q.head + i]);
        q.head += n;
        budget -= n;
        if (q.head === q.items.length) this.#queues.delete(source);
        else {
          if (q.head > 65_536) (q.items = q.items.slice(q.head)), (q.head = 0);
          next.push([source, q]);
        }
        if (budget <= 0) break;
      }
      open = next;
    }
    this.#queued -= out.length;
    return out;
  }

  #writeBatch(): void {
    const batch = this.#takeFair();
    if (!batch.length) return;
    const per = new Map<string, { n: number; last: number }>();
    const wantRecords = this.#subscribers.size > 0;
    const records: LogRecord[] = [];
    const rows = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i];
      rows[i] = [p.ts, p.level, p.source, p.service, p.job, p.message, p.fields];
      const s = per.get(p.source);
      if (s) (s.n++, (s.last = Math.max(s.last, p.ts)));
      else per.set(p.source, { n: 1, last: p.ts });
    }
    let lastId: number;
    this.db.exec("BEGIN");
    try {
      const before = Number(this.#maxId.get()!.id);
      lastId = Number(this.#insert.run(JSON.stringify(rows)).lastInsertRowid);
      this.#fts.run(before);
      for (const [source, s] of per) this.#source.run(source, s.n, s.last, 0);
      this.db.exec("COMMIT");
      this.#totalLines += batch.length;
      this.#written += batch.length;
    } catch (err) {
      this.db.exec("ROLLBACK");
      this.#dropped.queue_full += batch.length;
      throw err;
    }
    if (wantRecords) {
      // Ids of one INSERT … SELECT are consecutive.
      const first = lastId - batch.length + 1;
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i];
        records.push(rowToRecord({ id: first + i, ...p, job_id: p.job }));
      }
    }
    if (wantRecords) { for (const fn of this.#subscribers) fn(records); }
  }

  /** At most once a second: one visible record per source that lost lines to the rate limit. */
  #reportDrops(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastDropReport < 1000) return;
    this.#lastDropReport = now;
    const drops = this.limiter.takeDropped();
    if (!drops.size) return;
    const rate = this.limiter.limits.linesPerSecond;
    for (const [source, n] of drops) {
      this.#push({
        ts: now,
        level: 3,
        source,
        service: serviceOf(source),
        job: null,
        message: `${n} lines dropped: "${source}" sent more than ${rate} lines/s`,
        fields: JSON.stringify({ dropped: n, reason: "rate_limit", limit_per_s: rate }),
      });
      this.#source.run(source, 0, now, n);
    }
    if (force) { while (this.#queued) this.#writeBatch(); }
  }
}
