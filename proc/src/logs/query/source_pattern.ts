/**
 * Source prefixes as users type them: `api` matches `api` and everything below it
 * (`api.server.stdout`), and a `*` segment matches exactly one segment
 * (`embedder.workspace.*.job` matches `embedder.workspace.7.job.3.src`). A pattern becomes an
 * index range on the literal part before the first `*` plus, when needed, an exact check.
 */
import { HeroError } from "@hero/sdk";

/** A compiled source pattern. */
export interface SourcePattern {
  /** The literal segments before the first `*` (may be ""). */
  literal: string;
  /** True when the pattern has `*` segments and needs {@link matches} beyond the range. */
  hasWildcard: boolean;
  /** Exact test of one source against the whole pattern. */
  matches(source: string): boolean;
}

const SEGMENT = /^[A-Za-z0-9_\-:@/]+$/;

/** Sources that passed the check lately: a logger sends the same few sources again and again. */
const knownGood = new Set<string>();

/** Checks one dotted source name (what `logs.insert` and the logger accept). */
export function checkSource(source: string): string | undefined {
  if (knownGood.has(source)) return undefined;
  if (typeof source !== "string" || !source) return "source must be a non-empty string";
  if (source.length > 256) return `source "${source.slice(0, 40)}…" is longer than 256 characters`;
  for (const seg of source.split(".")) {
    if (!SEGMENT.test(seg)) {
      return `source "${source}" has an empty or invalid segment "${seg}" (letters, digits, _ - : @ /)`;
    }
  }
  if (knownGood.size >= 10_000) knownGood.clear();
  knownGood.add(source);
  return undefined;
}

/** Compiles `pattern`; "" or `*` alone matches everything. */
export function compileSourcePattern(pattern: string): SourcePattern {
  const p = pattern.trim().replace(/\.\*$/, "");
  if (p === "" || p === "*") return { literal: "", hasWildcard: false, matches: () => true };
  const segs = p.split(".");
  for (const s of segs) {
    if (s !== "*" && !SEGMENT.test(s)) {
      throw new HeroError(
        "INVALID_PARAMS",
        `Bad source prefix "${pattern}": segment "${s}" is empty or has characters other than letters, digits, _ - : @ / (use * for one whole segment)`,
      );
    }
  }
  const star = segs.indexOf("*");
  const literal = (star === -1 ? segs : segs.slice(0, star)).join(".");
  if (star === -1) {
    const dotted = `${literal}.`;
    return {
      literal,
      hasWildcard: false,
      matches: (s) => s === literal || s.startsWith(dotted),
    };
  }
  const re = new RegExp(
    `^${
      segs.map((s) => (s === "*" ? "[^.]+" : s.replace(/[-/\\^$+?()|[\]{}]/g, "\\$&"))).join("\\.")
    }(\\..*)?$`,
  );
  return { literal, hasWildcard: true, matches: (s) => re.test(s) };
}

/**
 * SQL for the literal part as an index range: `source = lit OR (source >= 'lit.' AND source <
 * 'lit/')` (`/` sorts right after `.`), which SQLite serves from the (source, ts) index.
 */
export function literalRange(literal: string, column = "source"): { sql: string; args: string[] } {
  if (!literal) return { sql: "1", args: [] };
  return {
    sql: `(${column} = ? OR (${column} >= ? AND ${column} < ?))`,
    args: [literal, `${literal}.`, `${literal}/`],
  };
}
