/**
 * How the admin UI reads captured logs: the prefix tree of sources with line counts, and lines
 * filtered by source prefix, minimum level, job, text and id (for following). Lines and tree
 * nodes have the shapes `logs.query` and `logs.tree` return (the SDK's `LogRecord`).
 */
import type { LogRecord } from "@hero/sdk";
import type { LogTreeNode } from "../logs/query/log_tree.ts";

export type { LogRecord, LogTreeNode };

/** One line as the UI shows it: a stored line, marked when it is from an earlier job. */
export interface LogLine extends LogRecord {
  /** Set when the line comes from an earlier job of its service than the current one. */
  previous?: boolean;
}

/** Calls `listener` with every batch of new lines matching the filter; returns the unfollow. */
export type LogFollow = (
  filter: LogFilter,
  listener: (lines: LogLine[]) => void,
) => () => void;

/** Filters of {@link LogReader.query} (the admin pages' query parameters). */
export interface LogFilter {
  /** Dotted source prefix. */
  source?: string;
  /** Minimum level. */
  level?: string;
  jobId?: number;
  /** Case-insensitive text the line must contain. */
  text?: string;
  /** Only lines with a larger id (following). */
  afterId?: number;
  /** Most lines (the newest ones, unless following). */
  limit?: number;
}

/** What the admin UI reads logs through. */
export interface LogReader {
  /** The prefix tree of every source with counts. */
  tree(): Promise<LogTreeNode>;
  /** Lines matching `filter`, oldest first. */
  query(filter: LogFilter): Promise<LogLine[]>;
}
