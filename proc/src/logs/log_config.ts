/**
 * The log store's settings for the daemon, from the environment (so `hero_proc start` passes
 * them on to the background daemon unchanged): HERO_PROC_LOG_MAX_AGE (`7d`, `12h`, ms),
 * HERO_PROC_LOG_MAX_BYTES (`1G`, `500M`, bytes), HERO_PROC_LOG_RATE (lines/s per source,
 * 0 = off), HERO_PROC_LOG_BURST (lines), HERO_PROC_LOG_MIN_FREE (`100M`; 0 = never refuse).
 */
import path from "node:path";
import { HeroError } from "@hero/sdk";
import type { LogStoreOptions } from "./log_store.ts";

const SIZE: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const AGE: Record<string, number> = {
  "": 1,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function parse(name: string, value: string, units: Record<string, number>): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  const unit = m ? (units === SIZE ? m[2].toUpperCase().replace(/I?B$/, "") : m[2]) : "";
  if (!m || units[unit] === undefined) {
    throw new HeroError(
      "INVALID_CONFIG",
      `Bad ${name}="${value}": use a number with an optional unit (${
        Object.keys(units).filter(Boolean).join(", ")
      })`,
    );
  }
  return Math.round(Number(m[1]) * units[unit]);
}

/** Options of the daemon's log store at `<stateDir>/logs.db`. */
export function logStoreOptions(
  stateDir: string,
  env: Record<string, string | undefined>,
): LogStoreOptions {
  const opt = (name: string, units: Record<string, number>) =>
    env[name] === undefined || env[name] === "" ? undefined : parse(name, env[name]!, units);
  const maxAgeMs = opt("HERO_PROC_LOG_MAX_AGE", AGE);
  const maxBytes = opt("HERO_PROC_LOG_MAX_BYTES", SIZE);
  const rate = opt("HERO_PROC_LOG_RATE", SIZE);
  const burst = opt("HERO_PROC_LOG_BURST", SIZE);
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
    minFreeBytes: opt("HERO_PROC_LOG_MIN_FREE", SIZE),
  };
}
