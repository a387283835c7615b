/**
 * The search box's language: words (all must match), "exact phrases", prefix*, -excluded words,
 * and filters `in:#channel`, `in:@user` (a DM), `from:@user`, `has:file`, `has:link`,
 * `has:pin`, `is:thread`, `before:YYYY-MM-DD`, `after:YYYY-MM-DD`, `on:YYYY-MM-DD`. Parsed into
 * an FTS5 MATCH expression (every term quoted, so no input can inject FTS5 syntax) and filters.
 */
import { collabError } from "../errors.ts";

/** A parsed search. */
export interface ParsedSearch {
  /** The FTS5 MATCH expression, or undefined when only filters were given. */
  match?: string;
  /** The words and phrases that must match (ranked and highlighted), as typed. */
  phrases: { text: string; prefix: boolean; fts: string }[];
  in: string[];
  from: string[];
  has: Set<"file" | "link" | "pin">;
  isThread: boolean;
  /** Epoch ms bounds: created_at >= after, created_at < before. */
  after?: number;
  before?: number;
}

const TOKEN = /(-?)(?:([a-z]+):("[^"]*"|\S+)|"([^"]*)"?|(\S+))/gi;

/** Parses a search string; bad filters are INVALID_PARAMS. */
export function parseSearch(query: string): ParsedSearch {
  const out: ParsedSearch = { phrases: [], in: [], from: [], has: new Set(), isThread: false };
  const positive: string[] = [];
  const negative: string[] = [];
  for (const m of query.matchAll(TOKEN)) {
    const [, neg, key, rawValue, phrase, word] = m;
    if (key) {
      const value = rawValue.replace(/^"|"$/g, "");
      if (!applyFilter(out, key.toLowerCase(), value)) {
        pushTerm(neg ? negative : positive, `${key}:${value}`, out, !neg);
      }
      continue;
    }
    if (phrase !== undefined) {
      if (phrase.trim()) pushTerm(neg ? negative : positive, phrase, out, !neg, true);
      continue;
    }
    if (word) pushTerm(neg ? negative : positive, word, out, !neg);
  }
  if (!positive.length && negative.length) {
    throw collabError("INVALID_PARAMS", "A search needs at least one word that is not excluded");
  }
  if (positive.length) {
    out.match = positive.join(" AND ") + negative.map((n) => ` NOT ${n}`).join("");
  }
  return out;
}

function pushTerm(
  list: string[],
  raw: string,
  out: ParsedSearch,
  highlight: boolean,
  phrase = false,
) {
  const prefix = !phrase && raw.endsWith("*") && raw.length > 1;
  const text = (prefix ? raw.slice(0, -1) : raw).replace(/"/g, '""');
  // Tokens FTS5 would drop entirely (punctuation only) would make an empty phrase: skip them.
  if (!/[\p{L}\p{N}]/u.test(text)) return;
  const fts = `"${text}"${prefix ? "*" : ""}`;
  list.push(fts);
  if (highlight) out.phrases.push({ text: prefix ? raw.slice(0, -1) : raw, prefix, fts });
}

function applyFilter(out: ParsedSearch, key: string, value: string): boolean {
  switch (key) {
    case "in":
      out.in.push(value);
      return true;
    case "from":
      out.from.push(value.replace(/^@/, ""));
      return true;
    case "has":
      if (value !== "file" && value !== "link" && value !== "pin") {
        throw collabError("INVALID_PARAMS", `Unknown filter has:${value} (file, link or pin)`);
      }
      out.has.add(value);
      return true;
    case "is":
      if (value !== "thread") throw collabError("INVALID_PARAMS", `Unknown filter is:${value}`);
      out.isThread = true;
      return true;
    case "before":
      out.before = day(key, value);
      return true;
    case "after":
      out.after = day(key, value) + 86_400_000;
      return true;
    case "on":
      out.after = day(key, value);
      out.before = out.after + 86_400_000;
      return true;
    default:
      return false;
  }
}

function day(key: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) {
    throw collabError("INVALID_PARAMS", `${key}: needs a date like 2025-01-31, got "${value}"`);
  }
  return ms;
}
