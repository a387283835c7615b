/**
 * The notes store: SQLite (WAL) through the built-in `node:sqlite`, which Deno and Node both
 * provide. Full-text search uses an FTS5 index kept in step by triggers.
 */
import { DatabaseSync } from "node:sqlite";

/** A stored note. */
export interface Note {
  id: number;
  title: string;
  body: string;
  tags: string[];
  version: number;
  created_at: string;
  updated_at: string;
}

/** Fields that can change in an update. */
export interface NotePatch {
  title?: string;
  body?: string;
  tags?: string[];
}

/** Outcome of a conditional update. */
export type UpdateOutcome = { ok: true; note: Note } | {
  ok: false;
  reason: "missing" | "conflict";
  current?: Note;
};

interface NoteRow {
  id: number;
  title: string;
  body: string;
  tags: string;
  version: number;
  created_at: string;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '[]',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(title, body, content='notes', content_rowid='id');
CREATE TRIGGER IF NOT EXISTS notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER IF NOT EXISTS notes_ad AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER IF NOT EXISTS notes_au AFTER UPDATE ON notes BEGIN
  INSERT INTO notes_fts(notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO notes_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
`;

/** Notes persisted in one SQLite file. */
export class NoteStore {
  readonly #db: DatabaseSync;

  /** Opens (and if needed creates) the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;");
    this.#db.exec(SCHEMA);
  }

  /** Inserts a note and returns it. */
  create(title: string, body: string, tags: string[]): Note {
    const now = new Date().toISOString();
    const row = this.#db.prepare(
      "INSERT INTO notes (title, body, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
    ).get(title, body, JSON.stringify(tags), now, now) as unknown as NoteRow;
    return toNote(row);
  }

  /** The note with `id`, if any. */
  get(id: number): Note | undefined {
    const row = this.#db.prepare("SELECT * FROM notes WHERE id = ?").get(id) as NoteRow | undefined;
    return row ? toNote(row) : undefined;
  }

  /** Applies `patch` if the note exists and (when given) is still at `expectedVersion`. */
  update(id: number, patch: NotePatch, expectedVersion?: number): UpdateOutcome {
    const current = this.get(id);
    if (!current) return { ok: false, reason: "missing" };
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      return { ok: false, reason: "conflict", current };
    }
    const row = this.#db.prepare(
      `UPDATE notes SET title = ?, body = ?, tags = ?, version = version + 1, updated_at = ?
       WHERE id = ? AND version = ? RETURNING *`,
    ).get(
      patch.title ?? current.title,
      patch.body ?? current.body,
      JSON.stringify(patch.tags ?? current.tags),
      new Date().toISOString(),
      id,
      current.version,
    ) as NoteRow | undefined;
    return row ? { ok: true, note: toNote(row) } : { ok: false, reason: "conflict", current };
  }

  /** Deletes a note; false if it did not exist. */
  delete(id: number): boolean {
    return Number(this.#db.prepare("DELETE FROM notes WHERE id = ?").run(id).changes) > 0;
  }

  /** Notes newest first, optionally with a tag, paginated by id cursor. */
  list(opts: { tag?: string; limit: number; before?: number }): Note[] {
    const rows = this.#db.prepare(
      `SELECT * FROM notes
       WHERE (?1 IS NULL OR id < ?1)
         AND (?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(notes.tags) WHERE value = ?2))
       ORDER BY id DESC LIMIT ?3`,
    ).all(opts.before ?? null, opts.tag ?? null, opts.limit) as unknown as NoteRow[];
    return rows.map(toNote);
  }

  /** Full-text search over titles and bodies, best matches first. */
  search(query: string, limit: number): Note[] {
    const rows = this.#db.prepare(
      `SELECT notes.* FROM notes_fts JOIN notes ON notes.id = notes_fts.rowid
       WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?`,
    ).all(toFtsQuery(query), limit) as unknown as NoteRow[];
    return rows.map(toNote);
  }

  /** Count of notes and of notes per tag. */
  stats(): { notes: number; tags: Record<string, number> } {
    const { n } = this.#db.prepare("SELECT count(*) AS n FROM notes").get() as { n: number };
    const tags: Record<string, number> = {};
    const rows = this.#db.prepare(
      "SELECT value AS tag, count(*) AS n FROM notes, json_each(notes.tags) GROUP BY value ORDER BY value",
    ).all() as { tag: string; n: number }[];
    for (const r of rows) tags[r.tag] = r.n;
    return { notes: n, tags };
  }

  /** Closes the database. */
  close(): void {
    this.#db.close();
  }
}

function toNote(row: NoteRow): Note {
  return { ...row, tags: JSON.parse(row.tags) as string[] };
}

/** Quotes each word so that user input can never be parsed as FTS5 query syntax. */
function toFtsQuery(query: string): string {
  return query.split(/\s+/).filter(Boolean).map((w) => `"${w.replaceAll('"', '""')}"`).join(" ");
}
