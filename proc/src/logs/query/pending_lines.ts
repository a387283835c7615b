/**
 * Lines accepted but not yet indexed, in query results: the chunks are expanded, filtered
 * with the same meaning as the SQL filters (source pattern, level, window, job, text as FTS
 * word prefixes plus a substring) and merged into the SQL page in its order, so a page looks
 * the same whether or not the indexer has caught up.
 */
import { LOG_LEVELS } from "@hero/sdk/levels";
import { type Chunk, chunkRows } from "../store/log_chunks.ts";
import { ftsExpression } from "./log_query.ts";
import type { LogsPage, LogsQuery } from "./query_params.ts";
import { textWords } from "./fts_expression.ts";
import { idRowToRecord, type LogRecord } from "../store/log_record.ts";
import { levelNumber } from "../store/log_schema.ts";
import { compileSourcePattern } from "./source_pattern.ts";
import { parseTime } from "./parse_time.ts";
import { HeroError } from "@hero/sdk";

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The text filter as SQL applies it: every word starts a token (FTS5 unicode61: case and
 * diacritics folded) and the whole text is a substring (LIKE: ASCII case folded).
 */
export function textMatcher(text: string): (message: string) => boolean {
  const needle = asciiLower(text);
  const words = textWords(text).map(fold);
  return (m) => {
    if (!asciiLower(m).includes(needle)) return false;
    if (!words.length) return true;
    const tokens = fold(m).match(/[\p{L}\p{N}]+/gu) ?? [];
    return words.every((w) => tokens.some((t) => t.startsWith(w)));
  };
}

/** A predicate on records equal to the SQL filters of `q` (invalid filters throw). */
export function recordFilter(q: LogsQuery): (r: LogRecord) => boolean {
  const pat = compileSourcePattern(q.source ?? "");
  const min = q.level ? levelNumber(q.level) : 0;
  const until = q.until === undefined ? Infinity : parseTime(q.until, "until");
  const since = q.since === undefined ? -Infinity : parseTime(q.since, "since");
  const text = q.text ? textMatcher(q.text) : undefined;
  return (r) =>
    pat.matches(r.source) &&
    LOG_LEVELS.indexOf(r.level) >= min &&
    r.ts >= since && r.ts <= until &&
    (q.job_id === undefined || r.job_id === q.job_id) &&
    (!text || text(r.message));
}

type Mode = "after" | "text" | "time";

function badCursor(cursor: string): never {
  throw new HeroError("INVALID_PARAMS", `Bad cursor "${cursor}": pass next_cursor as returned`);
}

/**
 * Merges the matching lines of `chunks` into `page` (the SQL page for `q`). `load` gives a
 * chunk its body when the merge needs its lines (chunks may come without one).
 */
export function mergePending(
  page: LogsPage,
  chunks: Chunk[],
  q: LogsQuery,
  opts: { load?: (c: Chunk) => Chunk } = {},
): LogsPage {
  const limit = Math.min(Math.max(1, q.limit ?? 100), 10_000);
  const mode: Mode = q.after_id !== undefined ? "after" : ftsExpression(q.text) ? "text" : "time";
  const newest = (q.order ?? "newest") === "newest";
  const match = recordFilter(q);
  const pat = compileSourcePattern(q.source ?? "");
  let past: (r: LogRecord) => boolean = () => true;
  if (mode === "after") past = (r) => r.id > q.after_id!;
  else if (q.cursor && mode === "text") {
    const m = /^i(\d+)$/.exec(q.cursor) ?? badCursor(q.cursor);
    const id = Number(m[1]);
    past = newest ? (r) => r.id < id : (r) => r.id > id;
  } else if (q.cursor) {
    const m = /^(\d+)_(\d+)$/.exec(q.cursor) ?? badCursor(q.cursor);
    const [ts, id] = [Number(m[1]), Number(m[2])];
    past = newest
      ? (r) => r.ts < ts || (r.ts === ts && r.id < id)
      : (r) => r.ts > ts || (r.ts === ts && r.id > id);
  }
  const byId = (a: Pick<LogRecord, "id">, b: Pick<LogRecord, "id">) => a.id - b.id;
  const byTime = (a: Pick<LogRecord, "ts" | "id">, b: Pick<LogRecord, "ts" | "id">) =>
    a.ts - b.ts || a.id - b.id;
  const asc = mode === "time" ? byTime : byId;
  type Key = Pick<LogRecord, "ts" | "id">;
  const order = mode === "after" || !newest ? asc : (a: Key, b: Key) => asc(b, a);
  // The best line a chunk could add, in page order: chunks are visited best first, and once
  // the page is full and a chunk cannot beat its last line, no later chunk can either.
  const bestOf = (c: Chunk): Key =>
    order === asc ? { ts: c.ts, id: c.firstId } : { ts: c.tsMax, id: c.firstId + c.lines - 1 };
  const visit = chunks.map((c) => ({ c, key: bestOf(c) })).sort((x, y) => order(x.key, y.key));
  // Waiting lines have higher ids than every indexed one: a full page after an id is final.
  if (mode === "after" && page.lines.length >= limit) return page;
  let best = page.lines;
  let added = false;
  for (const { c, key } of visit) {
    if (best.length > limit && order(key, best[limit]) > 0) break;
    // A text chunk has one source and job: many chunks are ruled out without decoding them.
    if (c.kind === "text") {
      if (!pat.matches(c.source!)) continue;
      if (q.job_id !== undefined && c.jobId !== q.job_id) continue;
    }
    const found: LogRecord[] = [];
    for (const row of chunkRows(opts.load ? opts.load(c) : c)) {
      const r = idRowToRecord(row);
      if (match(r) && past(r)) found.push(r);
    }
    if (!found.length) continue;
    added = true;
    best = [...best, ...found].sort(order).slice(0, limit + 1);
  }
  if (!added) return page;
  const lines = best.slice(0, limit);
  const last = lines[lines.length - 1];
  if (mode === "after") return { lines, next_cursor: last ? `id:${last.id}` : null };
  const more = page.next_cursor !== null || best.length > limit;
  return {
    lines,
    next_cursor: more && last ? (mode === "text" ? `i${last.id}` : `${last.ts}_${last.id}`) : null,
  };
}
