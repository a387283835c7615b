/**
 * Times as users give them: ms since the epoch, an ISO date, or an age — a duration with a
 * unit in the SDK's one syntax (`30s`, `15m`, `2h`, `7d`) counted back from now.
 */
import { HeroError, parseDuration } from "@hero/sdk";
import { hasDurationUnit } from "@hero/sdk/internal";

/** Milliseconds since the epoch, or an INVALID_PARAMS error naming the field. */
export function parseTime(value: number | string, field: string, now = Date.now()): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const s = String(value).trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (hasDurationUnit(s)) return now - parseDuration(s, field);
  const t = Date.parse(s);
  if (!Number.isNaN(t)) return t;
  throw new HeroError(
    "INVALID_PARAMS",
    `Bad ${field} "${s}": use ms since the epoch, an ISO time (2026-01-31T12:00:00Z) or an age (30s, 15m, 2h, 7d)`,
  );
}
