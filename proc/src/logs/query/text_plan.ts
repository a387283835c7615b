/**
 * How a full-text page is found. Each word is searched as the terms its prefix covers when
 * they are few (FTS5 walks whole terms lazily, but merges a prefix's every doclist first);
 * then, when the query also names a small source, job or time window and the words are common,
 * that window's lines are read and checked instead of walking the index; else the index is
 * walked newest (or oldest) first and stops at the limit.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { expandWords, expressionOf } from "./fts_expression.ts";
import type { LogsQuery, QueryOptions } from "./query_params.ts";
import { scanIsCheaper, scanPage, scanWindow, type TextSearch } from "./text_scan.ts";

/**
 * The rows of a full-text page (at most `limit + 1`, in id order) by the cheaper plan, in one
 * read transaction so that the terms a prefix expands to are those of the lines searched.
 */
export function textRows(
  db: DatabaseSync,
  q: LogsQuery,
  search: TextSearch,
  opts: QueryOptions,
): Record<string, unknown>[] {
  db.exec("SAVEPOINT hero_text_page");
  try {
    return planned(db, q, search, opts);
  } finally {
    db.exec("RELEASE hero_text_page");
  }
}

/** The rows by the first plan that applies: nothing, a window read, or the index walk. */
function planned(
  db: DatabaseSync,
  q: LogsQuery,
  search: TextSearch,
  opts: QueryOptions,
): Record<string, unknown>[] {
  const { where: w, words, cursorId, newest, limit } = search;
  const expansion = expandWords(db, words, opts.maxPrefixTerms);
  if (expansion === null) return [];
  const plan = opts.textPlan ?? "auto";
  // Lines can be checked without the index when every word is known term by term and folds
  // to ASCII letters and digits.
  const scannable = expansion.every((e) => e.terms && /^[a-z0-9]+$/.test(e.token!));
  const window = scannable && plan !== "index" ? scanWindow(db, q) : undefined;
  const terms = expansion.map((e) => e.terms!);
  if (window && (plan === "scan" || scanIsCheaper(db, window, terms, limit))) {
    const tokens = expansion.map((e) => e.token!);
    const rows = scanPage(db, window, { ...search, tokens });
    if (rows) return rows;
  }
  let sql = w.sql;
  const args: SQLInputValue[] = [expressionOf(words, expansion), ...w.args];
  if (cursorId !== undefined) {
    sql += newest ? " AND f.rowid < ?" : " AND f.rowid > ?";
    args.push(cursorId);
  }
  return db.prepare(
    `SELECT l.* FROM logs_fts f CROSS JOIN logs l ON l.id = f.rowid
     WHERE logs_fts MATCH ? AND ${sql} ORDER BY f.rowid ${newest ? "DESC" : "ASC"} LIMIT ?`,
  ).all(...args, limit + 1);
}
