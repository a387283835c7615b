/**
 * Resource limits of an action (`limits = { memory = "256M", cpu = "50%", pids = 100 }`):
 * parsed once into bytes, percent of one CPU and a process count, applied through the job's
 * cgroup (see `src/cgroup`).
 */

/** Validated limits; an absent field is no limit. */
export interface Limits {
  /** Memory (resident + swap) in bytes. */
  memory_bytes?: number;
  /** CPU time as percent of one CPU (`150` = one and a half CPUs). */
  cpu_percent?: number;
  /** Most processes and threads at once. */
  pids?: number;
}

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parses a size such as `256M`, `1.5G`, `512K` or a number of bytes; undefined if invalid.
 * Zero is invalid unless `zero` says it means something (a limit turned off).
 */
export function parseSize(value: unknown, opts: { zero?: boolean } = {}): number | undefined {
  const least = opts.zero ? 0 : 1;
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= least ? value : undefined;
  }
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Math.round(Number(m[1]) * UNITS[m[2].toUpperCase()]);
  return n >= least ? n : undefined;
}

/** Parses `50%` (of one CPU) or a number of CPUs such as `1.5`; undefined if invalid. */
export function parseCpu(value: unknown): number | undefined {
  if (typeof value === "number") return value > 0 ? Math.round(value * 100) : undefined;
  if (typeof value !== "string") return undefined;
  const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  const n = pct ? Number(pct[1]) : /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) * 100 : NaN;
  return n > 0 && n <= 100_000 ? n : undefined;
}

/** A short human form of limits, for messages (`memory 256 MiB, cpu 50%, pids 100`). */
export function describeLimits(l: Limits): string {
  const parts: string[] = [];
  if (l.memory_bytes !== undefined) parts.push(`memory ${formatBytes(l.memory_bytes)}`);
  if (l.cpu_percent !== undefined) parts.push(`cpu ${l.cpu_percent}%`);
  if (l.pids !== undefined) parts.push(`pids ${l.pids}`);
  return parts.join(", ");
}

/** `268435456` -> `256 MiB`. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) (n /= 1024), i++;
  return `${n} ${units[i]}`;
}
