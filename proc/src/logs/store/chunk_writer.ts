/**
 * The main thread's writes to the log database: accepted chunks and per-source counts, appended
 * in one short transaction. It never waits for the write lock (busy_timeout 0): when the
 * indexer holds it, the caller keeps the lines in memory and tries again a moment later.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { appendChunks, type Chunk } from "./log_chunks.ts";
import { walPragmas } from "./log_schema.ts";
import type { SourceDelta } from "./line_intake.ts";

/** What one commit writes. */
export interface CommitBatch {
  chunks: readonly Chunk[];
  sources: ReadonlyMap<string, SourceDelta>;
  counters?: Readonly<Record<string, number>>;
  /** Output file offsets reached, by `<job id>:<stream>`. */
  offsets?: ReadonlyMap<string, number>;
  /** Jobs whose offsets go: their output is committed and their files removed. */
  forget?: readonly number[];
}

/** A connection for appending chunks. */
export class ChunkWriter {
  readonly #db: DatabaseSync;
  #upsert?: StatementSync;
  #count?: StatementSync;
  #offset?: StatementSync;
  #forget?: StatementSync;

  /** Opens its own connection to `file` (the schema exists already; `maxBytes` is the cap). */
  constructor(file: string, maxBytes = 0) {
    this.#db = new DatabaseSync(file);
    this.#db.exec("PRAGMA busy_timeout = 0; PRAGMA synchronous = NORMAL");
    this.#db.exec("PRAGMA cache_size = -2000");
    // Checkpoints copy the WAL into the database file: the indexer does them, off this thread.
    this.#db.exec(walPragmas(maxBytes, false));
  }

  /**
   * Appends `b.chunks`, adds `b.sources` to the per-source counts and `b.counters` to the
   * store-wide counters, records output file offsets (`b.offsets`) and deletes those of jobs
   * whose output is done with (`b.forget`), all or nothing. Returns "busy" (nothing written)
   * when another connection holds the write lock; other errors throw.
   */
  commit(b: CommitBatch): "done" | "busy" {
    const { chunks, sources, counters = {}, offsets = new Map(), forget = [] } = b;
    try {
      this.#db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      if (/locked|busy/i.test((err as Error).message)) return "busy";
      throw err;
    }
    try {
      appendChunks(this.#db, chunks);
      this.#upsert ??= this.#db.prepare(
        "INSERT INTO log_sources (source, lines, last_ts, dropped, bytes) VALUES (?, ?, ?, ?, ?) " +
          "ON CONFLICT (source) DO UPDATE SET lines = lines + excluded.lines, " +
          "last_ts = max(last_ts, excluded.last_ts), dropped = dropped + excluded.dropped, " +
          "bytes = bytes + excluded.bytes",
      );
      for (const [source, d] of sources) {
        this.#upsert.run(source, d.n, d.last, d.dropped, d.bytes);
      }
      this.#count ??= this.#db.prepare(
        "INSERT INTO log_counters (name, value) VALUES (?, ?) " +
          "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
      );
      for (const [name, n] of Object.entries(counters)) if (n) this.#count.run(name, n);
      if (offsets.size) {
        this.#offset ??= this.#db.prepare(
          "INSERT INTO log_offsets (job_id, stream, offset) VALUES (?, ?, ?) " +
            "ON CONFLICT (job_id, stream) DO UPDATE SET offset = max(offset, excluded.offset)",
        );
        for (const [key, offset] of offsets) {
          const i = key.indexOf(":");
          this.#offset.run(Number(key.slice(0, i)), key.slice(i + 1), offset);
        }
      }
      if (forget.length) {
        this.#forget ??= this.#db.prepare("DELETE FROM log_offsets WHERE job_id = ?");
        for (const id of forget) this.#forget.run(id);
      }
      this.#db.exec("COMMIT");
      return "done";
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Closes the connection. */
  close(): void {
    this.#db.close();
  }
}
