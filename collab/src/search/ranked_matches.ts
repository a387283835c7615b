/**
 * The page of a word search, with bounded work whatever the corpus: FTS5 walks the matches
 * newest first (reading its doclists backwards, with `in:`/`from:` tokens in the MATCH so it
 * skips what they exclude), the newest CANDIDATES that pass the remaining filters and the
 * permissions are ranked by bm25 here, and only the page's rows and snippets are made.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { indexStats } from "../store/message_index.ts";
import { bm25, idf } from "./ranking.ts";
import type { ParsedSearch } from "./search_query.ts";
import { type Phrase, phraseOf } from "./tokens.ts";

/** How many of the newest readable matches a relevance search ranks (exact when fewer match). */
export const CANDIDATES = 500;
/** How many of a phrase's newest matches estimate how many messages it is in. */
const DF_SAMPLE = 200;

/** A ranked page: message seqs in order, their scores, and the phrases to mark in snippets. */
export interface RankedPage {
  seqs: number[];
  scores: Map<number, number>;
  phrases: Phrase[];
}

/** What a word search asks for. */
export interface RankedQuery {
  parsed: ParsedSearch & { match: string };
  /** `meta` tokens, one list per filter: a match has one token of every list. */
  scope: string[][];
  /** SQL conditions over `m` (the messages row), the truth for permissions and filters. */
  where: string[];
  params: SQLInputValue[];
  newest: boolean;
  limit: number;
  offset: number;
}

/** Ranks word searches over one database. */
export class RankedMatches {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  /** Searches `db`'s message index. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** The page of a word search. */
  page(query: RankedQuery): RankedPage {
    const match = [
      `text : (${query.parsed.match})`,
      ...query.scope.map((tokens) => `meta : (${tokens.map((t) => `"${t}"`).join(" OR ")})`),
    ].join(" AND ");
    const want = query.newest
      ? query.offset + query.limit
      : Math.max(CANDIDATES, query.offset + query.limit);
    const candidates = this.#statement(
      `SELECT f.rowid, m.text FROM messages_fts f JOIN messages m ON m.seq = f.rowid
       WHERE messages_fts MATCH ? AND ${query.where.join(" AND ")}
       ORDER BY f.rowid DESC LIMIT ?`,
      true,
    ).all(match, ...query.params, want) as unknown as [number, string][];
    const ranked = query.newest ? candidates.slice(query.offset) : candidates;
    const phrases = query.parsed.phrases.map((p) => phraseOf(p.text, p.prefix));
    const stats = indexStats(this.#db);
    let high: number | undefined;
    const newestSeq = () =>
      high ??= (this.#statement("SELECT max(seq) AS high FROM messages").get() as {
        high: number;
      }).high;
    const idfs = query.parsed.phrases.map((p) =>
      idf(this.#docFrequency(p.fts, stats.docs, newestSeq), stats.docs)
    );
    const scored = ranked.map(([seq, text]) => ({
      seq: Number(seq),
      score: bm25(text, phrases, idfs, stats),
    }));
    if (!query.newest) scored.sort((a, b) => a.score - b.score || b.seq - a.seq);
    const page = query.newest
      ? scored.slice(0, query.limit)
      : scored.slice(query.offset, query.offset + query.limit);
    return {
      seqs: page.map((x) => x.seq),
      scores: new Map(page.map((x) => [x.seq, x.score])),
      phrases,
    };
  }

  /**
   * How many messages a phrase is in: counted when it is in fewer than DF_SAMPLE, else
   * estimated from how densely its newest DF_SAMPLE matches lie among the newest messages
   * (`newestSeq` reads the newest message's seq once per search, however many phrases).
   */
  #docFrequency(fts: string, docs: number, newestSeq: () => number): number {
    const sample = this.#statement(
      `SELECT count(*) AS n, min(rowid) AS low FROM (
         SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?)`,
    ).get(`text : ${fts}`, DF_SAMPLE) as { n: number; low: number | null };
    if (sample.n < DF_SAMPLE || sample.low === null) return sample.n;
    const span = Math.max(1, newestSeq() - Number(sample.low) + 1);
    return Math.min(docs, Math.max(sample.n, Math.round((sample.n * docs) / span)));
  }

  /** A prepared statement, kept (searches use a handful of shapes); rows as arrays if asked. */
  #statement(sql: string, arrays = false): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      if (this.#statements.size > 100) this.#statements.clear();
      statement = this.#db.prepare(sql);
      // Arrays instead of objects: 500 candidate rows cost 40% less to hand to JavaScript.
      statement.setReturnArrays(arrays);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
