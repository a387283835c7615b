/**
 * The parameters of `logs.query`, the page it returns, and the knobs of how it runs: shared by
 * the query (`log_query.ts`), its full-text plans (`text_plan.ts`, `text_scan.ts`) and the
 * pending-line merge, which all read them.
 */
import type { LogLevel } from "@hero/sdk/levels";
import type { LogRecord } from "../store/log_record.ts";

/** The parameters of `logs.query`. */
export interface LogsQuery {
  /** Source prefix; `*` matches one segment. */
  source?: string;
  /** Minimum level. */
  level?: LogLevel;
  /** Start of the window: ms since epoch, ISO time, or an age like `15m`, `2h`, `7d`. */
  since?: number | string;
  /** End of the window (same forms). */
  until?: number | string;
  job_id?: number;
  /** Words that must start words of the line, checked as a case-insensitive substring. */
  text?: string;
  /** Most lines (default 100, at most 10 000). */
  limit?: number;
  /** From a previous page's `next_cursor`. */
  cursor?: string;
  /** `newest` (default) or `oldest` first. */
  order?: "newest" | "oldest";
  /** Only lines stored after this id, oldest first (following). */
  after_id?: number;
}

/** One page of lines. */
export interface LogsPage {
  lines: LogRecord[];
  /** Pass as `cursor` for the next page; null when this was the last. */
  next_cursor: string | null;
}

/** How `logs.query` runs (for tests and benches; the defaults are what the daemon uses). */
export interface QueryOptions {
  /** A text word covering at most this many terms is searched as those terms; 0: as a prefix. */
  maxPrefixTerms?: number;
  /**
   * Full text in a small source, job or time window: read its lines (`scan`, when the words
   * allow it), walk the FTS index (`index`), or the cheaper of the two (`auto`, the default).
   */
  textPlan?: "auto" | "index" | "scan";
}
