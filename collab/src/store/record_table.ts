/**
 * The object layer (our take on OSIS): every stored type is a table of typed records that share
 * `id`, `version`, `created_at` and `updated_at`, declared once with its fields and their
 * column kinds. Updates bump the version and can insist on the version the caller read
 * (optimistic concurrency), so two editors never silently overwrite each other.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { collabError } from "../errors.ts";
import { newId } from "./ids.ts";

/** How a field is kept in its column. */
export type FieldKind = "text" | "int" | "bool" | "json" | "time";

/** The fields every record has. */
export interface RecordBase {
  id: string;
  version: number;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601. */
  updated_at: string;
}

/** A record type: table name, id prefix, fields and their kinds. */
export interface RecordType<T extends RecordBase> {
  table: string;
  prefix: string;
  /** A readable name for errors ("channel", "message"). */
  noun: string;
  fields: { [K in Exclude<keyof T, keyof RecordBase>]-?: FieldKind };
}

/** The fields of a new record (everything but the shared ones). */
export type NewRecord<T extends RecordBase> = Omit<T, keyof RecordBase>;

/** Typed access to one record table. */
export class RecordTable<T extends RecordBase> {
  readonly type: RecordType<T>;
  readonly #db: DatabaseSync;
  readonly #names: string[];
  readonly #insert: StatementSync;
  readonly #get: StatementSync;
  readonly #getSeq: StatementSync;
  readonly #delete: StatementSync;

  /** Prepares the statements of an existing table (see {@link recordTableSql}). */
  constructor(db: DatabaseSync, type: RecordType<T>) {
    this.#db = db;
    this.type = type;
    this.#names = Object.keys(type.fields);
    const cols = ["id", "version", "created_at", "updated_at", ...this.#names];
    this.#insert = db.prepare(
      `INSERT INTO ${type.table} (${cols.join(",")}) VALUES (${cols.map(() => "?").join(",")})`,
    );
    this.#get = db.prepare(`SELECT * FROM ${type.table} WHERE id = ?`);
    this.#getSeq = db.prepare(`SELECT seq FROM ${type.table} WHERE id = ?`);
    this.#delete = db.prepare(`DELETE FROM ${type.table} WHERE id = ?`);
  }

  /** Inserts a new record; returns it with its id, version 1 and timestamps. */
  insert(fields: NewRecord<T>, opts: { id?: string; now?: number } = {}): T & { seq: number } {
    const now = opts.now ?? Date.now();
    const id = opts.id ?? newId(this.type.prefix, now);
    const values: SQLInputValue[] = [id, 1, now, now];
    for (const name of this.#names) {
      values.push(
        toColumn(
          this.type.fields[name as keyof typeof this.type.fields],
          (fields as Record<string, unknown>)[name],
        ),
      );
    }
    const { lastInsertRowid } = this.#insert.run(...values);
    const iso = new Date(now).toISOString();
    return {
      ...fields,
      id,
      version: 1,
      created_at: iso,
      updated_at: iso,
      seq: Number(lastInsertRowid),
    } as T & { seq: number };
  }

  /** The record with this id, or undefined. */
  find(id: string): (T & { seq: number }) | undefined {
    const row = this.#get.get(id) as Record<string, unknown> | undefined;
    return row ? this.fromRow(row) : undefined;
  }

  /** The record with this id; NOT_FOUND otherwise. */
  get(id: string): T & { seq: number } {
    const rec = this.find(id);
    if (!rec) throw collabError("NOT_FOUND", `No ${this.type.noun} with id "${id}"`, { id });
    return rec;
  }

  /** The row number of a record (its position in insertion order). */
  seqOf(id: string): number | undefined {
    const row = this.#getSeq.get(id) as { seq: number } | undefined;
    return row?.seq;
  }

  /**
   * Changes fields of a record, bumping its version. With `expectVersion`, a record changed
   * since the caller read it is refused (CONFLICT) and nothing is written.
   */
  update(
    id: string,
    patch: Partial<NewRecord<T>>,
    opts: { expectVersion?: number; now?: number } = {},
  ): T & { seq: number } {
    const current = this.get(id);
    if (opts.expectVersion !== undefined && current.version !== opts.expectVersion) {
      throw collabError(
        "CONFLICT",
        `The ${this.type.noun} "${id}" changed meanwhile (version ${current.version}, expected ${opts.expectVersion})`,
        { id, version: current.version },
      );
    }
    const names = Object.keys(patch).filter((k) => this.#names.includes(k));
    const now = opts.now ?? Date.now();
    const sets = [...names.map((n) => `${n} = ?`), "version = version + 1", "updated_at = ?"];
    const values: SQLInputValue[] = names.map((n) =>
      toColumn(
        this.type.fields[n as keyof typeof this.type.fields],
        (patch as Record<string, unknown>)[n],
      )
    );
    this.#db.prepare(`UPDATE ${this.type.table} SET ${sets.join(", ")} WHERE id = ?`)
      .run(...values, now, id);
    return this.get(id);
  }

  /** Deletes a record; false if there was none. */
  delete(id: string): boolean {
    return Number(this.#delete.run(id).changes) > 0;
  }

  /** Records matching a SQL condition over the columns (`channel_id = ? ORDER BY seq`). */
  where(condition: string, ...params: SQLInputValue[]): (T & { seq: number })[] {
    const rows = this.#db.prepare(`SELECT * FROM ${this.type.table} WHERE ${condition}`)
      .all(...params) as Record<string, unknown>[];
    return rows.map((r) => this.fromRow(r));
  }

  /** A record from its row. */
  fromRow(row: Record<string, unknown>): T & { seq: number } {
    const rec: Record<string, unknown> = {
      id: row.id,
      version: row.version,
      created_at: new Date(Number(row.created_at)).toISOString(),
      updated_at: new Date(Number(row.updated_at)).toISOString(),
      seq: row.seq,
    };
    for (const name of this.#names) {
      rec[name] = fromColumn(this.type.fields[name as keyof typeof this.type.fields], row[name]);
    }
    return rec as unknown as T & { seq: number };
  }
}

/** The CREATE TABLE statement of a record type (extra column clauses may follow the fields). */
export function recordTableSql<T extends RecordBase>(type: RecordType<T>, extra = ""): string {
  const cols = Object.entries(type.fields as Record<string, FieldKind>).map(([name, kind]) =>
    `${name} ${kind === "text" || kind === "json" ? "TEXT" : "INTEGER"}`
  );
  return `CREATE TABLE IF NOT EXISTS ${type.table} (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ${cols.join(",\n  ")}${extra ? `,\n  ${extra}` : ""}
);`;
}

function toColumn(kind: FieldKind, value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  switch (kind) {
    case "bool":
      return value ? 1 : 0;
    case "json":
      return JSON.stringify(value);
    case "time":
      return typeof value === "string" ? Date.parse(value) : Number(value);
    default:
      return value as SQLInputValue;
  }
}

function fromColumn(kind: FieldKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "bool":
      return value === 1 || value === 1n;
    case "json":
      return JSON.parse(String(value));
    case "time":
      return new Date(Number(value)).toISOString();
    case "int":
      return Number(value);
    default:
      return value;
  }
}
