/**
 * Full-text pages of a small source, job or time window, found by reading that window's lines
 * instead of walking the FTS index. Walking the index newest first is cheap while matches are
 * dense, but a common word over a source of 2,000 lines out of 10M walks the word's whole
 * doclist (a million entries, seconds) to find few or no lines; reading the source's 2,000
 * lines takes milliseconds. The match stays the index's: a line is kept when every word starts
 * one of its tokens, checked in JS only where that is exactly what the tokenizer does (words
 * folding to ASCII, on ASCII lines: tokens are runs of ASCII letters and digits, folded to
 * lower case); any other line is checked by the tokenizer itself (`fts_scratch.ts`).
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";
import type { LogsQuery } from "./query_params.ts";
import { parseTime } from "./parse_time.ts";
import { compileSourcePattern, literalRange } from "./source_pattern.ts";
import { prefixExpression } from "./fts_expression.ts";
import { matchingTexts } from "./fts_tokenizer.ts";

/** A row of `logs`. */
type Row = Record<string, SQLOutputValue>;

/** Most lines a page reads this way (a line read costs a random row read, ~5 µs). */
export const MAX_SCAN_LINES = 10_000;

/** How many FTS entries walked cost as much as one line read (entries come in id order). */
const SCAN_COST = 5;

/** What a full-text plan needs of the query besides its window. */
export interface TextSearch {
  /** The query's SQL conditions on `logs l` (text checked as a substring). */
  where: { sql: string; args: SQLInputValue[] };
  /** The text's words. */
  words: string[];
  /** From the cursor: only lines before it (newest first) or after it. */
  cursorId?: number;
  newest: boolean;
  limit: number;
}

/** The index that reads the window, and at most how many lines it holds. */
export interface ScanWindow {
  index: "logs_by_source_ts" | "logs_by_job" | "logs_by_ts";
  lines: number;
}

/**
 * The smallest window the query's filters give that holds at most MAX_SCAN_LINES lines,
 * counted exactly on its index (entries only, bounded) in the caller's read transaction, so
 * that a scan reads no more than that. The per-source summary only rules a source out early.
 */
export function scanWindow(db: DatabaseSync, q: LogsQuery): ScanWindow | undefined {
  let best: ScanWindow | undefined;
  const cap = MAX_SCAN_LINES + 1;
  const count = (sql: string, ...args: SQLInputValue[]) =>
    Number(
      db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${sql} LIMIT ?)`)
        .get(...args, cap)!.n,
    );
  const consider = (index: ScanWindow["index"], lines: number) => {
    if (lines <= MAX_SCAN_LINES && (!best || lines < best.lines)) best = { index, lines };
  };
  const literal = q.source ? compileSourcePattern(q.source).literal : "";
  if (literal) {
    const r = literalRange(literal, "source");
    const summed = db.prepare(`SELECT coalesce(sum(lines), 0) AS n FROM log_sources WHERE ${r.sql}`)
      .get(...r.args);
    if (Number(summed!.n) <= MAX_SCAN_LINES) {
      const [exact, lo, hi] = r.args;
      const inside = count(
        "logs INDEXED BY logs_by_source_ts WHERE source >= ? AND source < ?",
        lo,
        hi,
      );
      consider(
        "logs_by_source_ts",
        inside + count("logs INDEXED BY logs_by_source_ts WHERE source = ?", exact),
      );
    }
  }
  if (q.job_id !== undefined) {
    consider("logs_by_job", count("logs INDEXED BY logs_by_job WHERE job_id = ?", q.job_id));
  }
  if (q.since !== undefined || q.until !== undefined) {
    const since = q.since === undefined ? -Infinity : parseTime(q.since, "since");
    const until = q.until === undefined ? Infinity : parseTime(q.until, "until");
    consider(
      "logs_by_ts",
      count("logs INDEXED BY logs_by_ts WHERE ts >= ? AND ts <= ?", since, until),
    );
  }
  return best;
}

/**
 * Whether reading `window` costs less than walking the index: the walk visits about
 * `(limit + 1) * total / window.lines` entries to fill a page (all of them when the window
 * has fewer matches), unless a word has few entries, which bounds the walk. Entries are
 * counted (bounded) on the vocabulary table that expandWords (fts_expression.ts) made.
 */
export function scanIsCheaper(
  db: DatabaseSync,
  window: ScanWindow,
  terms: string[][],
  limit: number,
): boolean {
  const budget = SCAN_COST * window.lines;
  const total = Number(
    db.prepare("SELECT coalesce((SELECT max(id) FROM logs) - (SELECT min(id) FROM logs), 0) AS n")
      .get()!.n,
  );
  if ((limit + 1) * total / Math.max(1, window.lines) <= budget) return false;
  const entries = db.prepare(
    "SELECT count(*) AS n FROM (SELECT 1 FROM temp.hero_logs_fts_terms WHERE term = ? LIMIT ?)",
  );
  return terms.every((word) => {
    let n = 0;
    for (const term of word) {
      n += Number(entries.get(term, budget + 1 - n)!.n);
      if (n > budget) return true;
    }
    return false;
  });
}

/**
 * The matching lines of the window past `cursorId`, in id order, at most `limit + 1`; or
 * undefined when the window holds more lines than it was counted with (then walk the index).
 * `tokens` are the words as the tokenizer folds them, all ASCII lower-case letters and digits.
 */
export function scanPage(
  db: DatabaseSync,
  window: ScanWindow,
  search: TextSearch & { tokens: string[] },
): Row[] | undefined {
  const { where, words, tokens, cursorId, newest, limit } = search;
  let sql = where.sql;
  const args = [...where.args];
  if (cursorId !== undefined) {
    (sql += newest ? " AND l.id < ?" : " AND l.id > ?", args.push(cursorId));
  }
  const rows = db.prepare(`SELECT l.* FROM logs l INDEXED BY ${window.index} WHERE ${sql} LIMIT ?`)
    .all(...args, MAX_SCAN_LINES + 1);
  if (rows.length > MAX_SCAN_LINES) return undefined;
  const starts = tokens.map((t) => new RegExp(`(?:^|[^a-z0-9])${t}`));
  const other: Row[] = [];
  const kept = rows.filter((r) => {
    const message = String(r.message);
    // deno-lint-ignore no-control-regex
    if (/[^\x00-\x7f]/.test(message)) return (other.push(r), false);
    const folded = message.replace(/[A-Z]+/g, (s) => s.toLowerCase());
    return starts.every((re) => re.test(folded));
  });
  if (other.length) {
    const hits = matchingTexts(db, other.map((r) => String(r.message)), prefixExpression(words));
    kept.push(...other.filter((_, i) => hits.has(i)));
  }
  kept.sort((a, b) => newest ? Number(b.id) - Number(a.id) : Number(a.id) - Number(b.id));
  return kept.slice(0, limit + 1);
}
