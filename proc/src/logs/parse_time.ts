/** Times as users give them: ms since the epoch, an ISO date, or an age like `30s`, `15m`, `2h`, `7d`. */
import { HeroError } from "@hero/sdk";

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds since the epoch, or an INVALID_PARAMS error naming the field. */
export function parseTime(value: number | string, field: string, now = Date.now()): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const s = String(value).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const age = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s);
  if (age) return now - Number(age[1]) * UNIT[age[2]];
  const t = Date.parse(s);
  if (!Number.isNaN(t)) return t;
  throw new HeroError(
    "INVALID_PARAMS",
    `Bad ${field} "${s}": use ms since the epoch, an ISO time (2026-01-31T12:00:00Z) or an age (30s, 15m, 2h, 7d)`,
  );
}
