/**
 * Following: an in-memory filter equal to the query filters (so live batches are matched
 * without touching the database), and the long-poll step behind `logs.follow`.
 */
import { levelNumber } from "./log_schema.ts";
import { type LogsQuery, queryLogs } from "./log_query.ts";
import type { LogRecord, LogStore } from "./log_store.ts";
import { compileSourcePattern } from "./source_pattern.ts";
import { parseTime } from "./parse_time.ts";

/** A predicate on stored lines equal to the SQL filters of `q` (invalid filters throw). */
export function recordFilter(q: LogsQuery): (r: LogRecord) => boolean {
  const pat = compileSourcePattern(q.source ?? "");
  const min = q.level ? levelNumber(q.level) : 0;
  const levels = ["trace", "debug", "info", "warn", "error", "fatal"];
  const until = q.until === undefined ? Infinity : parseTime(q.until, "until");
  const since = q.since === undefined ? -Infinity : parseTime(q.since, "since");
  const text = q.text?.toLowerCase();
  return (r) =>
    pat.matches(r.source) &&
    levels.indexOf(r.level) >= min &&
    r.ts >= since && r.ts <= until &&
    (q.job_id === undefined || r.job_id === q.job_id) &&
    (!text || r.message.toLowerCase().includes(text));
}

/** The newest stored id. */
export function lastId(store: LogStore): number {
  return Number(store.db.prepare("SELECT coalesce(max(id), 0) AS id FROM logs").get()!.id);
}

/** One long-poll step: lines after `after_id`, waiting up to `timeoutMs` for the first. */
export async function followOnce(
  store: LogStore,
  q: LogsQuery,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ lines: LogRecord[]; last_id: number }> {
  store.catchUp();
  const match = recordFilter(q);
  const after = q.after_id ?? lastId(store);
  const limit = q.limit ?? 1000;
  const page = queryLogs(store.db, { ...q, after_id: after, limit });
  if (page.lines.length || timeoutMs <= 0) {
    return { lines: page.lines, last_id: page.lines.at(-1)?.id ?? after };
  }
  return await new Promise((resolve) => {
    const found: LogRecord[] = [];
    const done = () => {
      unsubscribe();
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve({ lines: found, last_id: found.at(-1)?.id ?? after });
    };
    const unsubscribe = store.subscribe((records) => {
      for (const r of records) if (r.id > after && match(r) && found.length < limit) found.push(r);
      if (found.length) queueMicrotask(done);
    });
    const timer = setTimeout(done, timeoutMs);
    signal?.addEventListener("abort", done);
  });
}
