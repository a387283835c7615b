/**
 * The one duration syntax of every Hero program (flags, environment, RPC parameters): a number
 * with a unit, `500ms`, `30s`, `15m`, `2h`, `7d`, or a bare number, which always means seconds.
 */
import { HeroError } from "../errors/hero_error.ts";

/** Milliseconds per unit; a bare number is seconds. */
const UNIT_MS: Record<string, number> = {
  "": 1000,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const SYNTAX = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/**
 * Parses a duration into whole milliseconds; `name` (a flag, variable or field) names it in
 * the `INVALID_DURATION` error thrown for anything else.
 *
 * @example
 * ```ts
 * import { parseDuration } from "@hero/sdk";
 * parseDuration("15m", "--timeout"); // 900000
 * parseDuration("1.5", "--timeout"); // 1500 (a bare number is seconds)
 * ```
 */
export function parseDuration(text: string, name: string): number {
  const m = SYNTAX.exec(text.trim());
  if (!m) {
    throw new HeroError(
      "INVALID_DURATION",
      `Invalid ${name} "${text}": use a number of seconds or a number with a unit ` +
        `(ms, s, m, h, d), e.g. 500ms, 30s, 15m, 2h, 7d`,
    );
  }
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? ""]);
}

/** Whether `text` is a duration with an explicit unit (`30s`, not `30`). */
export function hasDurationUnit(text: string): boolean {
  const m = SYNTAX.exec(text.trim());
  return m !== null && m[2] !== undefined;
}
