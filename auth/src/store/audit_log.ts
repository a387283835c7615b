/**
 * The append-only audit log: logins, failures, token grants and revocations, admin changes.
 * SQLite triggers refuse UPDATE and DELETE on the table, so not even a bug in hero_auth can
 * rewrite history.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { nowIso } from "./database.ts";

/** One audit record. */
export interface AuditRecord {
  seq: number;
  at: string;
  event: string;
  actor: string;
  subject: string;
  ip: string;
  ok: boolean;
  detail: Record<string, unknown>;
}

/** What a caller appends. */
export interface AuditEntry {
  event: string;
  actor?: string;
  subject?: string;
  ip?: string;
  ok?: boolean;
  detail?: Record<string, unknown>;
}

/** Filters of {@link AuditLog.query}. */
export interface AuditQuery {
  /** Event name, or a prefix ending in `.` (`login.`). */
  event?: string;
  actor?: string;
  subject?: string;
  ok?: boolean;
  /** Only records with a larger sequence number. */
  after?: number;
  /** Only records with a smaller sequence number (paging backwards). */
  before?: number;
  limit?: number;
}

interface AuditRow {
  seq: number;
  at: string;
  event: string;
  actor: string;
  subject: string;
  ip: string;
  ok: number;
  detail: string;
}

/** The audit table of a hero_auth database. */
export class AuditLog {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;

  /** Uses the table of an opened hero_auth database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      "INSERT INTO audit (at, event, actor, subject, ip, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  /** Appends a record and returns its sequence number. */
  append(entry: AuditEntry): number {
    const r = this.#insert.run(
      nowIso(),
      entry.event,
      entry.actor ?? "",
      entry.subject ?? "",
      entry.ip ?? "",
      entry.ok === false ? 0 : 1,
      JSON.stringify(entry.detail ?? {}),
    );
    return Number(r.lastInsertRowid);
  }

  /** Records matching the filters, newest first. */
  query(q: AuditQuery = {}): AuditRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.event) {
      if (q.event.endsWith(".")) {
        where.push("substr(event, 1, ?) = ?");
        args.push(q.event.length, q.event);
      } else {
        where.push("event = ?");
        args.push(q.event);
      }
    }
    if (q.actor) (where.push("actor = ?"), args.push(q.actor));
    if (q.subject) (where.push("subject = ?"), args.push(q.subject));
    if (q.ok !== undefined) (where.push("ok = ?"), args.push(q.ok ? 1 : 0));
    if (q.after !== undefined) (where.push("seq > ?"), args.push(q.after));
    if (q.before !== undefined) (where.push("seq < ?"), args.push(q.before));
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY seq DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...args, q.limit ?? 100) as unknown as AuditRow[];
    return rows.map((r) => ({ ...r, ok: r.ok === 1, detail: JSON.parse(r.detail) }));
  }
}
