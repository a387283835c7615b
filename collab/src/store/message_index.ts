/**
 * The FTS5 index of messages. Beside the text it indexes a `meta` column with one token for the
 * message's channel and one for its author, so `in:` and `from:` are part of the MATCH and FTS5
 * skips through its doclists instead of reading every match of a common word. The index reads
 * its content through a view of the live (not deleted) messages; triggers keep it current.
 * Databases made before the `meta` column get the new index, rebuilt from the messages, on open.
 */
import { Buffer } from "node:buffer";
import type { DatabaseSync, StatementSync } from "node:sqlite";

const META = (row: string) =>
  `'zc' || lower(hex(${row}.channel_id)) || ' zu' || lower(hex(${row}.user_id))`;

const INDEX = `
CREATE VIEW IF NOT EXISTS messages_fts_source AS
  SELECT seq, text, ${META("m")} AS meta FROM messages m WHERE deleted_at IS NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(
  text, meta, content='messages_fts_source', content_rowid='seq',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages
WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO messages_fts(rowid, text, meta) VALUES (new.seq, new.text, ${META("new")});
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages
WHEN old.deleted_at IS NULL BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text, meta)
    VALUES ('delete', old.seq, old.text, ${META("old")});
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_update
AFTER UPDATE OF text, deleted_at, channel_id, user_id ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text, meta)
    SELECT 'delete', old.seq, old.text, ${META("old")} WHERE old.deleted_at IS NULL;
  INSERT INTO messages_fts(rowid, text, meta)
    SELECT new.seq, new.text, ${META("new")} WHERE new.deleted_at IS NULL;
END;
`;

/** Creates the index, or replaces an index of the older shape (text only) and rebuilds it. */
export function ensureMessageIndex(db: DatabaseSync): void {
  const old = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'").get() as
    | { sql: string }
    | undefined;
  const migrate = !!old && !old.sql.includes("messages_fts_source");
  if (migrate) {
    db.exec(`BEGIN IMMEDIATE;
      DROP TRIGGER IF EXISTS messages_fts_insert;
      DROP TRIGGER IF EXISTS messages_fts_delete;
      DROP TRIGGER IF EXISTS messages_fts_update;
      DROP TABLE messages_fts;`);
  }
  try {
    db.exec(INDEX);
    if (migrate) {
      db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')");
      db.exec("COMMIT");
    }
  } catch (err) {
    if (migrate) db.exec("ROLLBACK");
    throw err;
  }
}

/** The `meta` token of a channel (as the triggers write it). */
export function channelToken(channelId: string): string {
  return `zc${Buffer.from(channelId).toString("hex")}`;
}

/** The `meta` token of an author. */
export function userToken(userId: string): string {
  return `zu${Buffer.from(userId).toString("hex")}`;
}

// Every ranked search reads the totals: its statement is prepared once per database.
const totalsStatements = new WeakMap<DatabaseSync, StatementSync>();

/** Indexed messages and their average length in words, from FTS5's own totals record. */
export function indexStats(db: DatabaseSync): { docs: number; avgWords: number } {
  let totals = totalsStatements.get(db);
  if (!totals) {
    totals = db.prepare("SELECT block FROM messages_fts_data WHERE id = 1");
    totalsStatements.set(db, totals);
  }
  const row = totals.get() as { block: Uint8Array } | undefined;
  if (!row) return { docs: 0, avgWords: 0 };
  const [docs, at] = varint(row.block, 0);
  const [textWords] = varint(row.block, at);
  return { docs, avgWords: docs ? textWords / docs : 0 };
}

/** An SQLite varint at `at`: its value and where the next one starts. */
function varint(bytes: Uint8Array, at: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 9 && at < bytes.length; i++) {
    const byte = bytes[at++];
    if (i === 8) return [v * 256 + byte, at];
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return [v, at];
}
