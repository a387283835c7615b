/**
 * The append-only audit log of administrative and moderation actions: who did what to what,
 * when (the table refuses updates; retention never deletes it).
 */
import type { DatabaseSync } from "node:sqlite";

/** One audit entry. */
export interface AuditEntry {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** Filters of {@link AuditLog.query}. */
export interface AuditQuery {
  actor?: string;
  /** Action or action prefix (`channel.` matches every channel action). */
  action?: string;
  target?: string;
  /** Entries before this seq (paging backwards). */
  before?: number;
  limit?: number;
}

/** Appends and reads audit entries. */
export class AuditLog {
  readonly #db: DatabaseSync;

  /** Uses the `audit` table of `db`. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Records an action. */
  append(actor: string, action: string, target: string | null, detail = {}): void {
    this.#db.prepare("INSERT INTO audit(ts, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")
      .run(Date.now(), actor, action, target, JSON.stringify(detail));
  }

  /** Newest first. */
  query(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.actor) where.push("actor = ?"), params.push(q.actor);
    if (q.action) {
      where.push("(action = ? OR action LIKE ?)"), params.push(q.action, `${q.action}%`);
    }
    if (q.target) where.push("target = ?"), params.push(q.target);
    if (q.before) where.push("seq < ?"), params.push(q.before);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY seq DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, q.limit ?? 100) as Record<string, unknown>[])
      .map((r) => ({
        seq: Number(r.seq),
        ts: new Date(Number(r.ts)).toISOString(),
        actor: String(r.actor),
        action: String(r.action),
        target: (r.target as string | null) ?? null,
        detail: JSON.parse(String(r.detail)),
      }));
  }
}
