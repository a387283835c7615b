/**
 * Reading lines back: source prefix (with `*` segments), minimum level, time window, job,
 * full text, newest or oldest first, and a cursor for the next page. Every filter maps to an
 * index: the literal part of the prefix to (source, ts), the window to (ts), the job to
 * (job_id, ts), the text to the FTS5 index (then checked as a substring).
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { HeroError } from "@hero/sdk";
import { levelNumber } from "../store/log_schema.ts";
import { rowToRecord } from "../store/log_record.ts";
import type { LogsPage, LogsQuery, QueryOptions } from "./query_params.ts";
import { compileSourcePattern, literalRange, type SourcePattern } from "./source_pattern.ts";
import { parseTime } from "./parse_time.ts";
import { prefixExpression, textWords } from "./fts_expression.ts";
import type { TextSearch } from "./text_scan.ts";
import { textRows } from "./text_plan.ts";

const patternCache = new Map<string, SourcePattern>();
const withFunction = new WeakSet<DatabaseSync>();

function pattern(p: string): SourcePattern {
  let c = patternCache.get(p);
  if (!c) {
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(p, c = compileSourcePattern(p));
  }
  return c;
}

/** The FTS5 expression for `text` (each word as a prefix), or undefined without words. */
export function ftsExpression(text: string | undefined): string | undefined {
  const words = textWords(text);
  return words.length ? prefixExpression(words) : undefined;
}

/** The SQL conditions shared by queries and following (full text is checked as a substring). */
export function whereOf(db: DatabaseSync, q: LogsQuery): { sql: string; args: SQLInputValue[] } {
  const where: string[] = [];
  const args: SQLInputValue[] = [];
  if (q.source) {
    const p = pattern(q.source);
    const range = literalRange(p.literal, "l.source");
    where.push(range.sql);
    args.push(...range.args);
    if (p.literal) (where.push("l.root = ?"), args.push(p.literal.split(".")[0]));
    if (p.hasWildcard) {
      if (!withFunction.has(db)) {
        db.function(
          "hero_source_match",
          { deterministic: true },
          (s, pat) => pattern(String(pat)).matches(String(s)) ? 1 : 0,
        );
        withFunction.add(db);
      }
      where.push("hero_source_match(l.source, ?)");
      args.push(q.source);
    }
  }
  if (q.level) (where.push("l.level >= ?"), args.push(levelNumber(q.level)));
  if (q.since !== undefined) (where.push("l.ts >= ?"), args.push(parseTime(q.since, "since")));
  if (q.until !== undefined) (where.push("l.ts <= ?"), args.push(parseTime(q.until, "until")));
  if (q.job_id !== undefined) (where.push("l.job_id = ?"), args.push(q.job_id));
  if (q.text) {
    where.push("l.message LIKE ? ESCAPE '\\'");
    args.push(`%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { sql: where.length ? where.join(" AND ") : "1", args };
}

/** Runs `logs.query`. */
export function queryLogs(db: DatabaseSync, q: LogsQuery, opts: QueryOptions = {}): LogsPage {
  const limit = Math.min(Math.max(1, q.limit ?? 100), 10_000);
  const w = whereOf(db, q);
  if (q.after_id !== undefined) {
    const rows = db.prepare(
      `SELECT l.* FROM logs l WHERE l.id > ? AND ${w.sql} ORDER BY l.id LIMIT ?`,
    ).all(q.after_id, ...w.args, limit);
    const lines = rows.map(rowToRecord);
    return { lines, next_cursor: lines.length ? `id:${lines[lines.length - 1].id}` : null };
  }
  const newest = (q.order ?? "newest") === "newest";
  const words = textWords(q.text);
  if (words.length) {
    return textPage(db, q, { where: w, words, newest, limit }, opts);
  }
  let sql = w.sql;
  const args = [...w.args];
  if (q.cursor) {
    const m = /^(\d+)_(\d+)$/.exec(q.cursor);
    if (!m) {
      throw new HeroError(
        "INVALID_PARAMS",
        `Bad cursor "${q.cursor}": pass next_cursor as returned`,
      );
    }
    const [ts, id] = [Number(m[1]), Number(m[2])];
    sql += newest
      ? " AND (l.ts < ? OR (l.ts = ? AND l.id < ?))"
      : " AND (l.ts > ? OR (l.ts = ? AND l.id > ?))";
    args.push(ts, ts, id);
  }
  const dir = newest ? "DESC" : "ASC";
  const rows = db.prepare(
    `SELECT l.* FROM logs l WHERE ${sql} ORDER BY l.ts ${dir}, l.id ${dir} LIMIT ?`,
  ).all(...args, limit + 1);
  const more = rows.length > limit;
  const lines = rows.slice(0, limit).map(rowToRecord);
  const last = lines[lines.length - 1];
  return { lines, next_cursor: more && last ? `${last.ts}_${last.id}` : null };
}

/**
 * Full-text pages walk the FTS index from the newest (or oldest) match and stop at the limit,
 * so a common word costs as little as a rare one (its prefix expanded to whole terms, which
 * FTS5 walks lazily), or read the lines of a small source, job or time window when that is
 * cheaper; either way they are in storage order (id), which is arrival order, and their
 * cursors are `i<id>`.
 */
function textPage(
  db: DatabaseSync,
  q: LogsQuery,
  search: TextSearch,
  opts: QueryOptions,
): LogsPage {
  let cursorId: number | undefined;
  if (q.cursor) {
    const m = /^i(\d+)$/.exec(q.cursor);
    if (!m) {
      throw new HeroError(
        "INVALID_PARAMS",
        `Bad cursor "${q.cursor}": pass next_cursor as returned`,
      );
    }
    cursorId = Number(m[1]);
  }
  const rows = textRows(db, q, { ...search, cursorId }, opts);
  const more = rows.length > search.limit;
  const lines = rows.slice(0, search.limit).map(rowToRecord);
  const last = lines[lines.length - 1];
  return { lines, next_cursor: more && last ? `i${last.id}` : null };
}
