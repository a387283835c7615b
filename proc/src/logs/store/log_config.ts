/**
 * The log store's settings for the daemon, from the environment (so `hero_proc start` passes
 * them on to the background daemon unchanged): HERO_PROC_LOG_MAX_AGE (a duration in the SDK's
 * syntax: `7d`, `12h`; a bare number is seconds), HERO_PROC_LOG_MAX_BYTES (`1G`, `500M`, bytes), HERO_PROC_LOG_RATE (lines/s per source,
 * 0 = off), HERO_PROC_LOG_BURST (lines), HERO_PROC_LOG_MIN_FREE (`100M`; 0 = never refuse).
 */
import path from "node:path";
import { HeroError, parseDuration } from "@hero/sdk";
import { parseSize } from "../../model/limits.ts";
import type { LogStoreOptions } from "./log_store_options.ts";

/** A size (`1G`, `500M`, bytes) or count; 0 turns a rate or free-space limit off. */
function size(value: string, name: string): number {
  const n = parseSize(value, { zero: true });
  if (n !== undefined) return n;
  throw new HeroError(
    "INVALID_CONFIG",
    `Cannot read ${name}: "${value}" is not a size (use bytes or a number with K, M, G or T)`,
  );
}

/** Options of the daemon's log store at `<stateDir>/logs.db`. */
export function logStoreOptions(
  stateDir: string,
  env: Record<string, string | undefined>,
): LogStoreOptions {
  const opt = (name: string, parse: (value: string, name: string) => number) =>
    env[name] === undefined || env[name] === "" ? undefined : parse(env[name]!, name);
  const maxAgeMs = opt("HERO_PROC_LOG_MAX_AGE", parseDuration);
  const maxBytes = opt("HERO_PROC_LOG_MAX_BYTES", size);
  const rate = opt("HERO_PROC_LOG_RATE", size);
  const burst = opt("HERO_PROC_LOG_BURST", size);
  return {
    file: path.join(stateDir, "logs.db"),
    retention: {
      ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      ...(maxBytes !== undefined ? { maxBytes } : {}),
    },
    rate: {
      ...(rate !== undefined ? { linesPerSecond: rate } : {}),
      ...(burst !== undefined ? { burst } : {}),
    },
    minFreeBytes: opt("HERO_PROC_LOG_MIN_FREE", size),
  };
}
