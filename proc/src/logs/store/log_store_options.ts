/** The settings of the log store (the daemon builds them from its environment: log_config.ts). */
import type { RateLimits } from "./rate_limiter.ts";
import type { RetentionPolicy } from "./retention.ts";
import type { IndexSchedule } from "./log_indexer.ts";

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
  /** Most lines accepted but not yet indexed before new ones are dropped (default 2 000 000). */
  maxQueued?: number;
  /**
   * Most bytes waiting for the indexer (default: a tenth of the size cap, or 256 MB without
   * one); past it, sources holding a large share of the backlog lose new lines.
   */
  maxBacklogBytes?: number;
  /** Lines in memory that trigger a flush before the period ends (default 5 000). */
  maxBatch?: number;
  /** The indexing worker exits after this long idle (default 5 000 ms). */
  indexerIdleMs?: number;
  /** When waiting chunks are indexed (default INDEX_SCHEDULE in log_indexer.ts). */
  indexSchedule?: Partial<IndexSchedule>;
}
