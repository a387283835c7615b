/**
 * The log store behind `logs.*` and behind process capture. Accepting a line never blocks the
 * caller: it is rate-limited per source, given its id, and kept in memory as part of a chunk
 * (captured output arrives as whole blocks of lines); every flush period (and within a few ms
 * of a `logs.insert`, which answers only then) the chunks are appended to `log_chunks` in one
 * short transaction, and a worker thread indexes them into `logs` and FTS
 * (store/log_indexer_worker.ts). Queries return only lines in the database (a crash cannot
 * take them back): indexed rows from SQL, the rest from the committed chunks
 * (query/log_search.ts); a query first commits what waits in memory. It implements the
 * supervisor's {@link LogSink}, so captured output lands here unchanged.
 *
 * This class decides when things happen (admission, commits, waking the indexer, retention
 * checks, drop reports); how each is done lives in store/ and query/.
 */
import path from "node:path";
import fs from "node:fs";
import type { DatabaseSync } from "node:sqlite";
import { HeroError } from "@hero/sdk";
import type { LogBlock, LogEntry, LogQuery, LogSink } from "./capture/log_sink.ts";
import { LOG_LEVELS } from "@hero/sdk/levels";
import { levelNumber, openLogDatabase } from "./store/log_schema.ts";
import { RateLimiter } from "./store/rate_limiter.ts";
import {
  DEFAULT_RETENTION,
  retentionDue,
  type RetentionPolicy,
  retentionStep,
  storedLines,
  usedBytes,
} from "./store/retention.ts";
import { DiskGuard } from "./store/disk_guard.ts";
import { searchCommitted } from "./query/log_search.ts";
import type { LogsPage, LogsQuery } from "./query/query_params.ts";
import { chunkRows, indexStep, type Row, serviceOf } from "./store/log_chunks.ts";
import { cutLines } from "./capture/line_splitter.ts";
import { INDEX_SCHEDULE, type IndexerMessage, IndexWorker } from "./store/log_indexer.ts";
import { logTree, type LogTreeNode, type LogTreeOptions } from "./query/log_tree.ts";
import { BacklogBudget } from "./store/backlog_budget.ts";
import { ChunkWriter } from "./store/chunk_writer.ts";
import { LineIntake } from "./store/line_intake.ts";
import { idRowToRecord, type LogRecord, type NewLogLine } from "./store/log_record.ts";
import { committedOffset, jobsWithOffsets } from "./store/log_offsets.ts";
import { retrySync } from "./store/sync_retry.ts";
import type { LogStoreOptions } from "./store/log_store_options.ts";
import { dropRecords } from "./store/drop_records.ts";
import { CommitWaiters } from "./store/commit_waiters.ts";
import { DropCounters, type DropReason } from "./store/drop_counters.ts";

export type { LogStoreOptions };

/** What a stored line costs beyond its text (row, indexes), for the backlog budget. */
const ROW_BYTES = 64;

/** The high-volume SQLite log store. */
export class LogStore implements LogSink {
  /** The reading connection (queries, tree, stats); writes go through other connections. */
  readonly db: DatabaseSync;
  readonly file: string;
  readonly retention: RetentionPolicy;
  readonly limiter: RateLimiter;
  readonly disk: DiskGuard;
  readonly #writer: ChunkWriter;
  readonly #intake: LineIntake;
  readonly #maxQueued: number;
  readonly #budget: BacklogBudget;
  readonly #maxBatch: number;
  readonly #indexer: IndexWorker;
  readonly #subscribers = new Set<(records: LogRecord[]) => void>();
  #committedUpTo: number;
  #indexedUpTo: number;
  /** Lines refused since the store was first created (kept in log_counters). */
  readonly #dropped: DropCounters;
  /** `logs.insert` calls waiting for their lines to be committed. */
  readonly #waiters = new CommitWaiters(() => this.#tick());
  #lastDropReport = 0;
  /** Lines refused per source because the backlog was full, until the next drop report. */
  #behind = new Map<string, number>();
  #lastRetentionCheck = 0;
  #timer: ReturnType<typeof setInterval>;
  #soon = false;
  #retry?: ReturnType<typeof setTimeout>;
  #closed = false;

  /** Opens the store and starts the background flush. */
  constructor(opts: LogStoreOptions) {
    this.file = opts.file;
    fs.mkdirSync(path.dirname(opts.file), { recursive: true, mode: 0o700 });
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.db = openLogDatabase(opts.file, this.retention.maxBytes);
    this.#writer = new ChunkWriter(opts.file, this.retention.maxBytes);
    this.limiter = new RateLimiter({ linesPerSecond: 50_000, burst: 1_000_000, ...opts.rate });
    this.disk = new DiskGuard(path.dirname(opts.file), opts.minFreeBytes ?? 100 * 1024 * 1024);
    this.#maxQueued = opts.maxQueued ?? 2_000_000;
    this.#budget = new BacklogBudget(
      opts.maxBacklogBytes ??
        (this.retention.maxBytes > 0 ? this.retention.maxBytes / 10 : 256 * 1024 * 1024),
    );
    this.#maxBatch = opts.maxBatch ?? 5_000;
    this.#dropped = new DropCounters(this.db);
    const edges = this.db.prepare(
      "SELECT (SELECT coalesce(max(id), 0) FROM logs) AS logs_max, " +
        "(SELECT min(first_id) FROM log_chunks) AS chunk_min, " +
        "(SELECT max(first_id + lines - 1) FROM log_chunks) AS chunk_max",
    ).get()!;
    const chunkMax = edges.chunk_max == null ? 0 : Number(edges.chunk_max);
    this.#committedUpTo = Math.max(Number(edges.logs_max), chunkMax);
    this.#intake = new LineIntake(this.#committedUpTo + 1, this.#maxBatch);
    this.#indexedUpTo = edges.chunk_min == null ? this.#committedUpTo : Number(edges.chunk_min) - 1;
    this.#indexer = new IndexWorker({
      file: opts.file,
      retention: this.retention,
      maxLines: 4000,
      idleExitMs: opts.indexerIdleMs ?? 5000,
      schedule: { ...INDEX_SCHEDULE, ...opts.indexSchedule },
    }, {
      onMessage: (m) => this.#fromIndexer(m),
      hasWork: () => this.#committedUpTo > this.#indexedUpTo,
    });
    // Chunks left by a previous run (a crash, or a shutdown under a flood) get indexed now.
    if (this.#committedUpTo > this.#indexedUpTo) this.#indexer.wake();
    this.#timer = setInterval(() => this.#tick(), opts.flushMs ?? 100);
    this.#timer.unref();
  }

  /** Lines refused so far (rate limit, full queue, low disk). */
  get dropped(): number {
    return this.#dropped.total;
  }

  /** Drop counts by reason. */
  get droppedByReason(): { rate_limited: number; queue_full: number; disk_low: number } {
    return this.#dropped.byReason();
  }

  /** Lines stored (as counted per source, retention included) and accepted since (reads SQL). */
  countLines(): number {
    return storedLines(this.db) + this.#intake.lines;
  }

  /** Lines accepted since the store was opened. */
  get written(): number {
    return this.#intake.accepted;
  }

  /** Lines accepted (and readable) but not yet indexed. */
  get queued(): number {
    return this.#intake.nextId - 1 - this.#indexedUpTo;
  }

  /** The id of the newest committed line (0 when none): followers start after it. */
  get lastId(): number {
    return this.#committedUpTo;
  }

  /** LogSink: accepts a captured line; never throws. */
  write(e: LogEntry): void {
    if (this.#closed) return;
    if (this.disk.state.low) return this.#drop("disk_low", 1);
    if (!this.limiter.allow(e.source)) return this.#drop("rate_limited", 1);
    if (!this.#room(1, e.source, e.line.length + ROW_BYTES)) return;
    this.#accept([
      e.ts,
      LOG_LEVELS.indexOf(e.level),
      e.source,
      serviceOf(e.source),
      e.jobId,
      e.line,
      null,
    ]);
  }

  /** LogSink: accepts a block of captured lines at once; never throws. */
  writeBlock(b: LogBlock): void {
    if (this.#closed) return;
    if (this.disk.state.low) return this.#drop("disk_low", b.lines);
    const allowed = this.limiter.allowMany(b.source, b.lines);
    this.#drop("rate_limited", b.lines - allowed);
    let room = Math.max(0, Math.min(allowed, this.#maxQueued - this.queued));
    if (room && !this.#budget.admits(b.source, b.bytes.length)) room = 0;
    this.#drop("queue_full", allowed - room);
    if (allowed > room) {
      this.#behind.set(b.source, (this.#behind.get(b.source) ?? 0) + allowed - room);
    }
    if (!room) return;
    const body = room === b.lines ? b.bytes : cutLines(b.bytes, room);
    this.#intake.addBlock(b, room, body);
    this.#budget.add(b.source, body.length, this.#intake.nextId - 1);
    this.#commitSoon();
  }

  /**
   * Accepts validated lines from `logs.insert`; refuses the whole batch when the disk is low.
   * Returns how many were accepted and how many the rate limit (or a full queue) dropped.
   */
  insert(lines: NewLogLine[]): { accepted: number; dropped: number } {
    if (this.#closed) throw new HeroError("SHUTTING_DOWN", "hero_proc is shutting down");
    if (this.disk.state.low) {
      this.#drop("disk_low", lines.length);
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
      if (!this.limiter.allow(l.source)) {
        this.#drop("rate_limited", 1);
        continue;
      }
      if (!this.#room(1, l.source, l.message.length + ROW_BYTES)) continue;
      this.#accept([
        l.ts ?? now,
        l.level ? levelNumber(l.level) : 2,
        l.source,
        l.service ?? serviceOf(l.source),
        l.job_id ?? null,
        l.message,
        l.fields && Object.keys(l.fields).length ? JSON.stringify(l.fields) : null,
      ]);
      accepted++;
    }
    return { accepted, dropped: lines.length - accepted };
  }

  /**
   * `logs.insert`: accepts the lines like {@link insert} and resolves once they are committed
   * (group commit within a few ms); rejects if the commit fails, in which case nothing of the
   * batch is stored.
   */
  async insertDurable(lines: NewLogLine[]): Promise<{ accepted: number; dropped: number }> {
    const r = this.insert(lines);
    if (r.accepted) await this.durable();
    return r;
  }

  /** Resolves once every line accepted so far is committed to the database file. */
  durable(): Promise<void> {
    const upTo = this.#intake.nextId - 1;
    if (this.#committedUpTo >= upTo) return Promise.resolve();
    return this.#waiters.wait(upTo);
  }

  /** LogSink: a job's output file is read into given lines up to `offset` (see intake). */
  mark(jobId: number, stream: "stdout" | "stderr", offset: number): void {
    if (!this.#closed) this.#intake.mark(jobId, stream, offset);
  }

  /** LogSink: the committed offset of a job's output file. */
  offsetOf(jobId: number, stream: "stdout" | "stderr"): number {
    return committedOffset(this.db, jobId, stream);
  }

  /** LogSink: the offsets of these jobs go with the next commit (their files are gone). */
  forget(jobIds: readonly number[]): void {
    if (!this.#closed) this.#intake.forget(jobIds);
  }

  /** LogSink: the jobs that have committed offsets. */
  offsetJobs(): number[] {
    return jobsWithOffsets(this.db);
  }

  /** Calls `fn` with every batch of lines as it is committed; returns the unsubscribe. */
  subscribe(fn: (records: LogRecord[]) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** `logs.query`: indexed lines and lines still waiting for the indexer, as one page. */
  search(q: LogsQuery): LogsPage {
    // Only committed lines are answered: what waits in memory is committed first (if the
    // indexer holds the write lock, it stays out of this answer and comes in the next).
    this.#commitForRead();
    return searchCommitted(this.db, q, this.#committedUpTo > this.#indexedUpTo);
  }

  /** `logs.tree`: counts of committed lines, like the lines queries return (commits first). */
  tree(opts: Omit<LogTreeOptions, "pending">): LogTreeNode {
    this.#commitForRead();
    return logTree(this.db, opts);
  }

  /** LogSink: appends what is in memory and indexes everything now (tests, admin fallback). */
  flush(): void {
    if (this.#closedDb()) return;
    this.#reportDrops(true);
    this.#commit(true);
    while (indexStep(this.db).lines > 0);
    this.#indexedUpTo = this.#committedUpTo;
    this.#budget.release(this.#indexedUpTo);
  }

  /** LogSink: the supervisor's simple reads (job and service output), oldest first. */
  query(q: LogQuery): LogRecord[] {
    const page = this.search(
      q.afterId !== undefined
        ? { source: q.source, job_id: q.jobId, after_id: q.afterId, limit: q.limit ?? 100 }
        : { source: q.source, job_id: q.jobId, limit: q.limit ?? 100, order: "newest" },
    );
    return q.afterId !== undefined ? page.lines : page.lines.reverse();
  }

  /** Database bytes in use (free pages excluded). */
  usedBytes(): number {
    return usedBytes(this.db);
  }

  /** Indexes everything, then runs retention until the store is within policy. */
  enforceRetention(): number {
    this.flush();
    let n = 0;
    for (let step; (step = retentionStep(this.db, this.retention)) > 0;) n += step;
    return n;
  }

  /**
   * Appends what is in memory, indexes what little waits (a backlog left under a flood is
   * indexed on the next start), stops the worker and closes the database.
   */
  close(): void {
    if (this.#closed) return;
    this.#reportDrops(true);
    this.#commit(true);
    this.#closed = true;
    this.#waiters.close();
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    this.#indexer.stop();
    const until = Date.now() + 1000;
    try {
      while (Date.now() < until && indexStep(this.db).lines > 0);
    } catch (err) {
      console.error(`hero_proc: log store: ${(err as Error).message}`);
    }
    this.disk.close();
    this.#subscribers.clear();
    this.#writer.close();
    this.db.close();
  }

  /** Counts refused lines (kept in log_counters at the next commit). */
  #drop(reason: DropReason, n: number): void {
    this.#dropped.add(reason, n);
  }

  /** Commits what waits in memory before a read; a few short tries if the indexer is busy. */
  #commitForRead(): void {
    if (this.#closed || !this.#intake.chunks.length) return;
    retrySync(() => this.#commit(), 3, 2);
  }

  #closedDb(): boolean {
    return !this.db.isOpen;
  }

  /** False (and counted) when the backlog is full; true records the line's bytes. */
  #room(n: number, source: string, bytes: number): boolean {
    if (this.queued + n <= this.#maxQueued && this.#budget.admits(source, bytes)) {
      this.#budget.add(source, bytes, this.#intake.nextId - 1 + n);
      return true;
    }
    this.#drop("queue_full", n);
    this.#behind.set(source, (this.#behind.get(source) ?? 0) + n);
    return false;
  }

  #accept(row: Row): void {
    this.#intake.addRow(row);
    this.#commitSoon();
  }

  /** A full batch in memory is committed right after the current I/O, not at the next tick. */
  #commitSoon(): void {
    if (this.#intake.lines >= this.#maxBatch && !this.#soon) {
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        this.#tick();
      });
    }
  }

  /**
   * Appends the chunks in memory in one transaction. Returns false if the indexer holds the
   * write lock (the chunks stay in memory, readable, and the commit is retried shortly);
   * `wait` retries until it succeeds, for flush and close.
   */
  #commit(wait = false): boolean {
    const counters = this.#dropped.unsaved();
    const { chunks, sources, offsets, forgotten } = this.#intake;
    if (!chunks.length && !sources.size && !counters && !offsets.size && !forgotten.length) {
      return true;
    }
    const attempt = () => {
      const batch = { chunks, sources, counters, offsets, forget: forgotten };
      if (this.#writer.commit(batch) !== "busy") return true;
      this.#indexer.wantLock(true);
      return false;
    };
    try {
      // Waiting (flush, close) retries for up to ~10 s; a tick leaves it to the next one.
      if (!retrySync(attempt, wait ? 2002 : 1, 5)) return false;
    } catch (err) {
      this.#indexer.wantLock(false);
      // Nothing half-stored: the lines are counted as lost and memory is freed; the callers
      // waiting for them hear that they were not stored.
      const lost = this.#intake.take().lines;
      this.#drop(/full|disk/i.test((err as Error).message) ? "disk_low" : "queue_full", lost);
      this.#committedUpTo = this.#intake.nextId - 1;
      this.#waiters.settle(this.#committedUpTo, err as Error);
      throw err;
    }
    this.#indexer.wantLock(false);
    if (counters) this.#dropped.saved(counters);
    this.#intake.take();
    if (chunks.length) this.#committedUpTo = this.#intake.nextId - 1;
    this.#waiters.settle(this.#committedUpTo);
    if (this.#subscribers.size) {
      for (const c of chunks) {
        const records = chunkRows(c).map(idRowToRecord);
        for (const fn of this.#subscribers) fn(records);
      }
    }
    if (this.#committedUpTo > this.#indexedUpTo) this.#indexer.wake();
    this.#indexer.urgent(this.#budget.bytes > this.#budget.limit / 2);
    return true;
  }

  #fromIndexer(m: IndexerMessage): void {
    if (m.type === "progress") {
      this.#indexedUpTo = Math.max(this.#indexedUpTo, m.indexedUpTo);
      this.#budget.release(this.#indexedUpTo);
      this.#indexer.urgent(this.#budget.bytes > this.#budget.limit / 2);
    } else if (m.type === "error") {
      console.error(`hero_proc: log indexer: ${m.message}`);
    }
  }

  #tick(): void {
    if (this.#closed) return;
    try {
      this.#reportDrops(false);
      if (!this.#commit()) {
        clearTimeout(this.#retry);
        this.#retry = setTimeout(() => this.#tick(), 2);
      }
      this.#checkRetention();
    } catch (err) {
      console.error(`hero_proc: log store: ${(err as Error).message}`);
    }
  }

  /** Every few seconds: wakes the indexer (which runs retention) when lines are due to go. */
  #checkRetention(): void {
    const now = Date.now();
    if (this.#indexer.running || now - this.#lastRetentionCheck < 5000) return;
    this.#lastRetentionCheck = now;
    if (retentionDue(this.db, this.retention, now)) this.#indexer.wake();
  }

  /** At most once a second: one visible record per source that lost lines to the rate limit. */
  #reportDrops(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#lastDropReport < 1000) return;
    this.#lastDropReport = now;
    const behind = this.#behind;
    this.#behind = new Map();
    for (const { row, source, n } of dropRecords(now, behind, this.limiter)) {
      this.#accept(row);
      this.#intake.countDropped(source, n);
    }
  }
}
