/**
 * The visible side of flood control: one "N lines dropped" line per source and reason, stored
 * like any other line (level warn, the count and reason in its fields), so whoever reads a
 * service's logs sees the gap and its cause where it happened.
 */
import type { Row } from "./log_chunks.ts";
import { serviceOf } from "./log_chunks.ts";
import type { RateLimiter } from "./rate_limiter.ts";

/** A record to store, with the source and count it reports. */
export interface DropRecord {
  row: Row;
  source: string;
  n: number;
}

/**
 * Records for lines refused since the last report: `behind` (backlog full, per source) and the
 * rate limiter's own counts (taken from it).
 */
export function dropRecords(
  now: number,
  behind: Map<string, number>,
  limiter: RateLimiter,
): DropRecord[] {
  const out: DropRecord[] = [];
  const record = (source: string, n: number, message: string, fields: object) =>
    out.push({
      row: [now, 3, source, serviceOf(source), null, message, JSON.stringify(fields)],
      source,
      n,
    });
  for (const [source, n] of behind) {
    record(
      source,
      n,
      `${n} lines dropped: "${source}" sent lines faster than they could be indexed`,
      {
        dropped: n,
        reason: "backlog_full",
      },
    );
  }
  const rate = limiter.limits.linesPerSecond;
  for (const [source, n] of limiter.takeDropped()) {
    record(source, n, `${n} lines dropped: "${source}" sent more than ${rate} lines/s`, {
      dropped: n,
      reason: "rate_limit",
      limit_per_s: rate,
    });
  }
  return out;
}
