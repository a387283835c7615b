/**
 * The fixed work of a ranked search: the index totals' statement is prepared once per database,
 * and the newest message's seq is read once per search however many common words it has.
 */
import assert from "node:assert/strict";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { test } from "node:test";
import { RankedMatches } from "../src/search/ranked_matches.ts";
import { parseSearch } from "../src/search/search_query.ts";
import { ensureMessageIndex, indexStats } from "../src/store/message_index.ts";

/** A database with just what the index reads, holding `n` messages of `text`. */
function messagesDb(n: number, text: string): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  db.exec(`CREATE TABLE messages (seq INTEGER PRIMARY KEY, text TEXT NOT NULL,
    channel_id TEXT NOT NULL, user_id TEXT NOT NULL, deleted_at INTEGER)`);
  ensureMessageIndex(db);
  const insert = db.prepare(
    "INSERT INTO messages (text, channel_id, user_id) VALUES (?, 'c', 'u')",
  );
  for (let i = 0; i < n; i++) insert.run(`${text} ${i}`);
  return db;
}

/** Counts the statements `db` prepares and the runs of those whose SQL contains `watch`. */
function counting(db: DatabaseSync, watch: string) {
  const seen = { prepared: 0, runs: 0 };
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    const statement: StatementSync = prepare(sql);
    if (sql.includes(watch)) {
      seen.prepared++;
      const get = statement.get.bind(statement) as (...args: SQLInputValue[]) => unknown;
      statement.get = ((...args: SQLInputValue[]) => (seen.runs++, get(...args))) as never;
    }
    return statement;
  };
  return seen;
}

test("indexStats prepares its statement once per database", () => {
  const a = messagesDb(3, "one two");
  const b = messagesDb(5, "one two three");
  const seenA = counting(a, "messages_fts_data");
  const seenB = counting(b, "messages_fts_data");
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(indexStats(a), { docs: 3, avgWords: 3 });
    assert.deepEqual(indexStats(b), { docs: 5, avgWords: 4 });
  }
  assert.deepEqual(seenA, { prepared: 1, runs: 3 });
  assert.deepEqual(seenB, { prepared: 1, runs: 3 });
  a.close();
  b.close();
});

test("a search reads the newest seq once, however many common words it has", () => {
  const db = messagesDb(300, "alpha beta gamma");
  const seen = counting(db, "max(seq)");
  const ranked = new RankedMatches(db);
  const search = (text: string) =>
    ranked.page({
      parsed: { ...parseSearch(text), match: parseSearch(text).match! },
      scope: [],
      where: ["1"],
      params: [],
      newest: false,
      limit: 5,
      offset: 0,
    });
  const page = search("alpha beta gamma");
  assert.equal(page.seqs.length, 5);
  assert.equal(seen.runs, 1);
  search("alpha beta");
  assert.equal(seen.runs, 2);
  db.close();
});
