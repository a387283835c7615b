/**
 * hero_collab's SQLite database (WAL, through the built-in `node:sqlite`): the record tables of
 * the object layer, the relation tables (members, reactions, mentions, edits), the FTS5 index of
 * messages (message_index.ts), the event log behind the live sequence cursor, the directory mirror of hero_auth,
 * and the append-only audit log.
 */
import { DatabaseSync } from "node:sqlite";
import { recordTableSql } from "./record_table.ts";
import { RECORDS } from "./records.ts";
import { ensureMessageIndex } from "./message_index.ts";

const RELATIONS = `
CREATE UNIQUE INDEX IF NOT EXISTS workspaces_slug ON workspaces(slug);
CREATE UNIQUE INDEX IF NOT EXISTS channels_name ON channels(workspace_id, name);
CREATE UNIQUE INDEX IF NOT EXISTS channels_dm ON channels(workspace_id, dm_key) WHERE dm_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS channel_members (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member',
  joined_at INTEGER NOT NULL,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS channel_members_user ON channel_members(user_id);
CREATE INDEX IF NOT EXISTS messages_channel ON messages(channel_id, seq);
CREATE INDEX IF NOT EXISTS messages_thread ON messages(thread_id, seq) WHERE thread_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_user ON messages(user_id, seq);
CREATE INDEX IF NOT EXISTS messages_created ON messages(created_at);
CREATE TABLE IF NOT EXISTS message_edits (
  message_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  edited_by TEXT NOT NULL,
  edited_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reactions (
  message_id TEXT NOT NULL,
  emoji TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mentions (
  user_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  message_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel_id, message_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_sha ON files(sha256);
CREATE INDEX IF NOT EXISTS files_message ON files(message_id);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, seq);
CREATE INDEX IF NOT EXISTS webhooks_channel ON webhooks(channel_id);
CREATE UNIQUE INDEX IF NOT EXISTS commands_name ON commands(workspace_id, name);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  workspace_id TEXT,
  channel_id TEXT,
  user_id TEXT,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  is_bot INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users(username COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS group_members (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_members_user ON group_members(user_id);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id TEXT NOT NULL,
  message_id TEXT,
  ts INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  status INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  reply_id TEXT
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_hook ON webhook_deliveries(webhook_id, seq);
CREATE TABLE IF NOT EXISTS channel_mutes (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  until INTEGER,
  by TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Opens (and creates) the database with WAL, foreign keys and a busy timeout. */
export function openCollabDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  // Search reads scattered rows of a large table and index: keep 16 MiB of pages (the default
  // is 2 MiB) so a warm search does not go back to the kernel for each one.
  db.exec("PRAGMA cache_size = -16384");
  for (const type of Object.values(RECORDS)) {
    db.exec(recordTableSql(type));
    addMissingColumns(db, type);
  }
  db.exec(RELATIONS);
  ensureMessageIndex(db);
  return db;
}

/** Adds the columns of fields declared since the table was made (new fields start null). */
function addMissingColumns(db: DatabaseSync, type: (typeof RECORDS)[keyof typeof RECORDS]): void {
  const have = new Set(
    (db.prepare(`PRAGMA table_info(${type.table})`).all() as { name: string }[]).map((c) => c.name),
  );
  for (const [name, kind] of Object.entries(type.fields as Record<string, string>)) {
    if (have.has(name)) continue;
    db.exec(
      `ALTER TABLE ${type.table} ADD COLUMN ${name} ${
        kind === "text" || kind === "json" ? "TEXT" : "INTEGER"
      }`,
    );
  }
}

/** Runs `fn` in one transaction (nested calls join the outer one). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}
