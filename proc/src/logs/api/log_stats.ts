/** `logs.stats`: what the log store holds and why lines were refused. */
import fs from "node:fs";
import type { LogStore } from "../log_store.ts";

/** The stats document. */
export function logStats(store: LogStore): Record<string, unknown> {
  const edges = store.db.prepare(
    "SELECT (SELECT ts FROM logs ORDER BY id LIMIT 1) AS oldest, (SELECT ts FROM logs ORDER BY id DESC LIMIT 1) AS newest, (SELECT count(*) FROM log_sources) AS sources, (SELECT coalesce(sum(evicted), 0) FROM log_sources) AS evicted",
  ).get()!;
  const size = (f: string) => {
    try {
      return fs.statSync(f).size;
    } catch {
      return 0;
    }
  };
  const disk = store.disk.state;
  return {
    status: disk.low ? "degraded" : "ok",
    file: store.file,
    lines: store.countLines(),
    written_since_start: store.written,
    sources: Number(edges.sources),
    oldest_ts: edges.oldest == null ? null : Number(edges.oldest),
    newest_ts: edges.newest == null ? null : Number(edges.newest),
    used_bytes: store.usedBytes(),
    file_bytes: size(store.file) + size(`${store.file}-wal`),
    queued: store.queued,
    dropped: { total: store.dropped, ...store.droppedByReason },
    // Lines deleted by the size cap (per source in logs.tree); both survive restarts.
    evicted: Number(edges.evicted),
    retention: { max_age_ms: store.retention.maxAgeMs, max_bytes: store.retention.maxBytes },
    rate_limit: {
      lines_per_s: store.limiter.limits.linesPerSecond,
      burst: store.limiter.limits.burst,
    },
    disk: {
      low: disk.low,
      free_bytes: Number.isFinite(disk.freeBytes) ? disk.freeBytes : null,
      min_free_bytes: disk.minFreeBytes,
    },
  };
}
