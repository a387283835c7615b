/**
 * The long-poll step behind `logs.follow`: lines already there are answered at once, new ones
 * are matched in memory as they are committed (recordFilter equals the query filters).
 */
import type { LogsQuery } from "../query/query_params.ts";
import type { LogRecord } from "../store/log_record.ts";
import type { LogStore } from "../log_store.ts";
import { recordFilter } from "../query/pending_lines.ts";

/** One long-poll step: lines after `after_id`, waiting up to `timeoutMs` for the first. */
export async function followOnce(
  store: LogStore,
  q: LogsQuery,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ lines: LogRecord[]; last_id: number }> {
  const match = recordFilter(q);
  const after = q.after_id ?? store.lastId;
  const limit = q.limit ?? 1000;
  const page = store.search({ ...q, after_id: after, limit });
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
