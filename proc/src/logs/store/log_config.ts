/**
 * The log store's settings for the daemon, from the environment (so `hero_proc start` passes
 * them on to the background daemon unchanged): HERO_PROC_LOG_MAX_AGE (a duration in the SDK's
 * syntax: `7d`, `12h`; a bare number is seconds), HERO_PROC_LOG_MAX_BYTES (`1G`, `500M`, bytes), HERO_PROC_LOG_RATE (lines/s per source,
 * 0 = off), HERO_PROC_LOG_BURST (lines), HERO_PROC_LOG_MIN_FREE (`100M`; 0 = never refuse).
 */
import path from "node:path";
import { HeroError, parseDuration } from "@hero/sdk";
import type { LogStoreOptions } from "./log_store_options.ts";

const SIZE: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** A size (`1G`, `500M`, bytes) or count. */
function parseSize(value: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  const unit = m ? m[2].toUpperCase().replace(/I?B$/, "") : "";
  if (!m || SIZE[unit] === undefined) {
    throw new HeroError(
      "INVALID_CONFIG",
      `Bad ${name}="${value}": use a number with an optional unit (${
        Object.keys(SIZE).filter(Boolean).join(", ")
      })`,
    );
  }
  return Math.round(Number(m[1]) * SIZE[unit]);
}

/** Options of the daemon's log store at `<stateDir>/logs.db`. */
export function logStoreOptions(
  stateDir: string,
  env: Record<string, string | undefined>,
): LogStoreOptions {
  const opt = (name: string, parse: (value: string, name: string) => number) =>
    env[name] === undefined || env[name] === "" ? undefined : parse(env[name]!, name);
  const maxAgeMs = opt("HERO_PROC_LOG_MAX_AGE", parseDuration);
  const maxBytes = opt("HERO_PROC_LOG_MAX_BYTES", parseSize);
  const rate = opt("HERO_PROC_LOG_RATE", parseSize);
  const burst = opt("HERO_PROC_LOG_BURST", parseSize);
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
    minFreeBytes: opt("HERO_PROC_LOG_MIN_FREE", parseSize),
  };
}
