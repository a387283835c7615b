/**
 * Where captured output goes. The supervisor only knows {@link LogSink} (the log store
 * implements it), so process capture does not depend on how lines are stored.
 */
import type { LogRecord } from "@hero/sdk";
import type { LogLevel } from "@hero/sdk/levels";

export type { LogLevel, LogRecord };

/** One captured line. */
export interface LogEntry {
  ts: number;
  /** Dotted source, e.g. `api.server.stdout` or `job.12.stderr`. */
  source: string;
  jobId: number | null;
  level: LogLevel;
  line: string;
}

/** A run of captured lines as bytes, each line ending with `\n` (see LineSplitter). */
export interface LogBlock {
  ts: number;
  source: string;
  jobId: number | null;
  /** The stream decides the level of lines that name none. */
  stream: "stdout" | "stderr";
  bytes: Uint8Array;
  lines: number;
}

/** Filters for reading lines back. */
export interface LogQuery {
  /** Source prefix (`api` matches `api.server.stdout`). */
  source?: string;
  jobId?: number;
  /** Only lines with an id greater than this. */
  afterId?: number;
  /** Most lines returned: the last ones (or the first ones after `afterId`). */
  limit?: number;
}

/** Accepts lines without ever blocking the caller; stores them in the background. */
export interface LogSink {
  /** Queues one line; never throws, never waits. Over capacity, lines are dropped and counted. */
  write(entry: LogEntry): void;
  /** Queues a block of lines at once (captured output); same guarantees as write. */
  writeBlock(block: LogBlock): void;
  /** Writes queued lines now. */
  flush(): void;
  /** Reads lines back, oldest first, in the shape `logs.query` returns (ids grow with time). */
  query(q: LogQuery): LogRecord[];
  /** Lines dropped because the queue was full. */
  readonly dropped: number;
  /** Flushes and stops the background timer. */
  close(): void;
  /**
   * Records that every byte of a job's output file before `offset` is in lines already given
   * (committed with them, so a new daemon resumes there: exactly once across a crash).
   */
  mark(jobId: number, stream: "stdout" | "stderr", offset: number): void;
  /** The committed offset of a job's output file (0 when none). */
  offsetOf(jobId: number, stream: "stdout" | "stderr"): number;
  /** Drops the offsets of jobs whose output is committed and whose files are removed. */
  forget(jobIds: readonly number[]): void;
  /** The jobs that have committed offsets. */
  offsetJobs(): number[];
  /** Resolves once everything accepted so far is committed. */
  durable(): Promise<void>;
}
