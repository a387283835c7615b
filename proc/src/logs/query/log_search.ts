/**
 * One page of committed lines: the indexed rows (SQL, log_query.ts) and the lines still waiting
 * in `log_chunks` for the indexer (pending_lines.ts), read in one transaction. The indexer
 * moves a chunk into `logs` atomically, so every line is seen exactly once, as a row or inside
 * a chunk. Chunk bodies are read only for the chunks the merge visits (it stops once they
 * cannot change the page).
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type Chunk, chunkFromRow } from "../store/log_chunks.ts";
import { queryLogs } from "./log_query.ts";
import { mergePending } from "./pending_lines.ts";
import type { LogsPage, LogsQuery } from "./query_params.ts";

/** The columns of a waiting chunk without its body. */
const CHUNK_HEAD = "first_id, lines, kind, ts, ts_max, arrived, source, job_id, stream";

/** The body statement of each connection, prepared once. */
const bodyStatements = new WeakMap<DatabaseSync, StatementSync>();

/**
 * `logs.query` over what `db` holds; `pending` says whether chunks may wait for the indexer
 * (without it the chunk table is not even read).
 */
export function searchCommitted(db: DatabaseSync, q: LogsQuery, pending: boolean): LogsPage {
  db.exec("BEGIN");
  try {
    const page = queryLogs(db, q);
    const chunks: Chunk[] = pending
      ? db.prepare(`SELECT ${CHUNK_HEAD} FROM log_chunks ORDER BY first_id`).all()
        .map((r) => chunkFromRow({ ...r, body: "" }))
      : [];
    if (!chunks.length) return page;
    let bodyOf = bodyStatements.get(db);
    if (!bodyOf) {
      bodyOf = db.prepare("SELECT body FROM log_chunks WHERE first_id = ?");
      bodyStatements.set(db, bodyOf);
    }
    const body = bodyOf;
    return mergePending(page, chunks, q, {
      load: (c) => ({ ...c, body: body.get(c.firstId)!.body as Uint8Array | string }),
    });
  } finally {
    db.exec("COMMIT");
  }
}
