/** Durations on the command line: `30s`, `500ms`, `2m`, or a bare number of seconds. */
import { HeroError } from "@hero/sdk";

/** Parses a duration into milliseconds; `flag` names the option in the error. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) {
    throw new HeroError(
      "INVALID_DURATION",
      `Invalid ${flag} "${text}": use e.g. 30s, 500ms, 2m or a number of seconds`,
    );
  }
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  return Math.round(ms);
}
