/**
 * The live tail for browsers and the SDK: `GET /logs/follow` on hero_proc's admin.sock streams
 * matching lines as Server-Sent Events (`id:` = line id, `data:` = the line as JSON). Query
 * parameters are the `logs.query` filters plus `after_id` (resume) or `backlog` (last N lines
 * first). An `event: ready` with `last_id` marks the start of the live part. A reconnecting
 * EventSource resumes from `Last-Event-ID`.
 */
import type { LogsQuery } from "../query/query_params.ts";
import type { LogRecord } from "../store/log_record.ts";
import type { LogStore } from "../log_store.ts";
import { recordFilter } from "../query/pending_lines.ts";
import { eventStream } from "../../../../ui/sse/event_stream.ts";

/** Lines a slow reader may have waiting before newer ones are skipped (and counted). */
const MAX_BUFFERED = 10_000;

/** Handles `GET /logs/follow`; returns undefined for other paths. */
export function followSse(store: LogStore, request: Request): Response | undefined {
  const url = new URL(request.url);
  if (url.pathname !== "/logs/follow") return undefined;
  if (request.method !== "GET") {
    return new Response("Use GET /logs/follow\n", { status: 405, headers: { allow: "GET" } });
  }
  const p = url.searchParams;
  const num = (k: string) => (p.has(k) ? Number(p.get(k)) : undefined);
  const q: LogsQuery = {
    source: p.get("source") ?? undefined,
    level: (p.get("level") ?? undefined) as LogsQuery["level"],
    job_id: num("job_id"),
    text: p.get("text") ?? undefined,
    since: p.get("since") ?? undefined,
  };
  let match: (r: LogRecord) => boolean;
  try {
    match = recordFilter(q);
  } catch (err) {
    return new Response(`${(err as Error).message}\n`, { status: 400 });
  }
  const resume = num("after_id") ??
    (request.headers.has("last-event-id")
      ? Number(request.headers.get("last-event-id"))
      : undefined);
  const backlog = Math.min(num("backlog") ?? 0, 10_000);
  return eventStream((sink) => {
    const send = (r: LogRecord) => sink.send({ id: r.id, data: r });
    // Backlog and subscription happen in the same tick: no line can fall between them.
    const first = resume !== undefined
      ? store.search({ ...q, after_id: resume, limit: 10_000 }).lines
      : backlog
      ? store.search({ ...q, limit: backlog }).lines.reverse()
      : [];
    for (const r of first) send(r);
    // Tells a reader where it stands, so it can resume without gaps even before any line.
    const ready = Math.max(first.at(-1)?.id ?? 0, resume ?? 0, store.lastId);
    sink.send({ event: "ready", data: { last_id: ready } });
    let skipped = 0;
    return store.subscribe((records) => {
      for (const r of records) {
        // Lines accepted before the backlog was read are committed (and announced) later.
        if (r.id <= ready || !match(r)) continue;
        if (sink.desiredSize < -MAX_BUFFERED) skipped++;
        else {
          if (skipped) {
            sink.send({ event: "skipped", data: { count: skipped } });
            skipped = 0;
          }
          send(r);
        }
      }
    });
  }, { signal: request.signal, keepaliveMs: 15_000 });
}
