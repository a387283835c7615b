/**
 * The event log behind the live sequence cursor: every change hero_collab makes is appended to
 * the `events` table in the same transaction as the change, numbered by a strictly increasing
 * `seq`, and handed to subscribers only after the transaction commits. A client that reconnects
 * with the last `seq` it saw reads everything after it from the table and then continues live,
 * so it misses nothing and sees nothing twice.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

/** Who may see an event: one user, the readers of a channel, or a workspace's users. */
export interface EventScope {
  workspace_id?: string | null;
  channel_id?: string | null;
  /** Only this user (read markers, notifications, ephemeral replies). */
  user_id?: string | null;
}

/** One change, as stored and as sent to clients. */
export interface CollabEvent extends Required<EventScope> {
  seq: number;
  /** ISO 8601. */
  ts: string;
  type: string;
  data: Record<string, unknown>;
}

/** Appends events and publishes them once their transaction has committed. */
export class EventLog {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #after: StatementSync;
  #pending: CollabEvent[] = [];
  readonly #listeners = new Set<(e: CollabEvent) => void>();

  /** Prepares the statements. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      "INSERT INTO events(ts, type, workspace_id, channel_id, user_id, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#after = db.prepare("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
  }

  /** Records an event (inside the caller's transaction); it is published by {@link flush}. */
  append(type: string, scope: EventScope, data: Record<string, unknown>): CollabEvent {
    const now = Date.now();
    const { lastInsertRowid } = this.#insert.run(
      now,
      type,
      scope.workspace_id ?? null,
      scope.channel_id ?? null,
      scope.user_id ?? null,
      JSON.stringify(data),
    );
    const event: CollabEvent = {
      seq: Number(lastInsertRowid),
      ts: new Date(now).toISOString(),
      type,
      workspace_id: scope.workspace_id ?? null,
      channel_id: scope.channel_id ?? null,
      user_id: scope.user_id ?? null,
      data,
    };
    this.#pending.push(event);
    return event;
  }

  /** Publishes what the committed transaction appended, in order. */
  flush(): void {
    const events = this.#pending;
    this.#pending = [];
    for (const e of events) for (const l of this.#listeners) l(e);
  }

  /** Forgets what a rolled-back transaction appended. */
  discard(): void {
    this.#pending = [];
  }

  /** Calls `listener` for every committed event; returns the unsubscribe function. */
  subscribe(listener: (e: CollabEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stored events after `seq`, oldest first, at most `limit`. */
  after(seq: number, limit = 1000): CollabEvent[] {
    return (this.#after.all(seq, limit) as Record<string, unknown>[]).map(fromRow);
  }

  /** The newest seq (0 when empty). */
  head(): number {
    const row = this.#db.prepare("SELECT max(seq) AS s FROM events").get() as { s: number | null };
    return row.s ?? 0;
  }

  /** The oldest retained seq (events before it were trimmed), or head+1 when empty. */
  tail(): number {
    const row = this.#db.prepare("SELECT min(seq) AS s FROM events").get() as { s: number | null };
    return row.s ?? this.head() + 1;
  }

  /** Drops events older than `beforeMs`, keeping at least `keep` newest; returns how many. */
  trim(beforeMs: number, keep = 10_000): number {
    const head = this.head();
    return Number(
      this.#db.prepare("DELETE FROM events WHERE ts < ? AND seq <= ?").run(beforeMs, head - keep)
        .changes,
    );
  }
}

function fromRow(row: Record<string, unknown>): CollabEvent {
  return {
    seq: Number(row.seq),
    ts: new Date(Number(row.ts)).toISOString(),
    type: String(row.type),
    workspace_id: (row.workspace_id as string | null) ?? null,
    channel_id: (row.channel_id as string | null) ?? null,
    user_id: (row.user_id as string | null) ?? null,
    data: JSON.parse(String(row.data)),
  };
}
