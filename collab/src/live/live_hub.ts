/**
 * The live hub: every open client connection (the web client's one WebSocket) with its actor
 * and cursor. A client subscribes with the last `seq` it saw; the hub replays what it missed
 * from the event log and then forwards each committed event it may see, serialised once for
 * everyone. Presence and typing are ephemeral (no seq, not stored). A client that falls too far
 * behind is disconnected and catches up from its cursor when it reconnects.
 */
import type { Actor } from "../domain/access.ts";
import type { CollabService } from "../collab_service.ts";
import type { Caller } from "../identity/caller.ts";
import type { CollabEvent } from "./event_log.ts";

/** How a connection sends and closes (a WebSocket, or a test double). */
export interface LiveTransport {
  send(text: string): void;
  /** Bytes queued but not yet written. */
  buffered(): number;
  close(code: number, reason: string): void;
}

/** Presence states. */
export type Presence = "active" | "away" | "offline";

/** Most bytes queued for one client before it is dropped (it reconnects and catches up). */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Events replayed per read while catching up. */
const REPLAY_BATCH = 1000;

/** One client connection. */
export class LiveConnection {
  /** Who it is now (re-read when hero_auth's groups or users change). */
  actor: Actor;
  /** The directory generation `actor` was read at. */
  generation = -1;
  readonly caller: Caller;
  readonly transport: LiveTransport;
  /** The last seq sent (events at or below it are never sent again). */
  cursor = -1;
  status: Presence = "active";

  /** A connection of `actor` over `transport`. */
  constructor(actor: Actor, caller: Caller, transport: LiveTransport) {
    this.actor = actor;
    this.caller = caller;
    this.transport = transport;
  }

  /** Whether it has subscribed (events flow only after that). */
  get live(): boolean {
    return this.cursor >= 0;
  }
}

/** The connections and the fan-out of events to them. */
export class LiveHub {
  readonly #svc: CollabService;
  readonly #conns = new Set<LiveConnection>();
  readonly #unsubscribe: () => void;
  /** Events sent, clients dropped for falling behind (for the bench and diagnostics). */
  readonly stats = { sent: 0, dropped: 0 };

  /** Follows `svc`'s event log. */
  constructor(svc: CollabService) {
    this.#svc = svc;
    this.#unsubscribe = svc.store.events.subscribe((e) => this.#publish(e));
  }

  /** Number of open connections. */
  get size(): number {
    return this.#conns.size;
  }

  /** The actor a caller would connect as (throws FORBIDDEN for callers that are no user). */
  actorOf(caller: Caller): Actor {
    return this.#svc.actorOf(caller);
  }

  /** The newest event's seq. */
  head(): number {
    return this.#svc.store.events.head();
  }

  /** Registers a connection (not yet subscribed). */
  open(caller: Caller, transport: LiveTransport): LiveConnection {
    const actor = this.#svc.actorOf(caller);
    const conn = new LiveConnection(actor, caller, transport);
    conn.generation = this.#svc.store.directory.generation;
    const wasOnline = this.presenceOf(actor.userId) !== "offline";
    this.#conns.add(conn);
    if (!wasOnline) this.#presence(actor.userId);
    return conn;
  }

  /** Forgets a connection. */
  close(conn: LiveConnection): void {
    if (!this.#conns.delete(conn)) return;
    if (this.presenceOf(conn.actor.userId) === "offline") this.#presence(conn.actor.userId);
  }

  /**
   * Starts (or restarts) the stream after `cursor`: replays the stored events the client may
   * see, then it is live. Replaying and going live happen in one synchronous run, so no commit
   * can fall between them. A cursor older than the retained log gets `collab.resync` instead.
   */
  subscribe(
    conn: LiveConnection,
    cursor: number,
  ): { head: number; replayed: number; resync: boolean } {
    const log = this.#svc.store.events;
    const head = log.head();
    let from = Math.max(0, Math.min(cursor, head));
    let resync = false;
    if (from < log.tail() - 1) {
      resync = true;
      from = head;
      this.#send(
        conn,
        JSON.stringify({
          jsonrpc: "2.0",
          method: "collab.resync",
          params: { head, reason: "the cursor is older than the retained events" },
        }),
      );
    }
    let replayed = 0;
    conn.cursor = from;
    for (
      let batch = log.after(from, REPLAY_BATCH);
      batch.length;
      batch = log.after(conn.cursor, REPLAY_BATCH)
    ) {
      for (const e of batch) {
        if (this.#sees(conn, e)) {
          this.#send(conn, notification(e));
          replayed++;
        }
        conn.cursor = e.seq;
      }
    }
    return { head: conn.cursor, replayed, resync };
  }

  /** Sets a connection's presence (active or away). */
  setStatus(conn: LiveConnection, status: "active" | "away"): void {
    const before = this.presenceOf(conn.actor.userId);
    conn.status = status;
    if (this.presenceOf(conn.actor.userId) !== before) this.#presence(conn.actor.userId);
  }

  /** A user's presence: active if any connection is active, away if all are, else offline. */
  presenceOf(userId: string): Presence {
    let seen = false;
    for (const c of this.#conns) {
      if (c.actor.userId !== userId) continue;
      if (c.status === "active") return "active";
      seen = true;
    }
    return seen ? "away" : "offline";
  }

  /** Presence of every connected user. */
  presence(): { user_id: string; presence: Presence }[] {
    const users = new Set([...this.#conns].map((c) => c.actor.userId));
    return [...users].map((u) => ({ user_id: u, presence: this.presenceOf(u) }));
  }

  /** Tells the readers of a channel (but the typist) that `actor` is typing. */
  typing(actor: Actor, channelId: string, threadId?: string): void {
    const channel = this.#svc.access.readable(actor, channelId);
    const text = JSON.stringify({
      jsonrpc: "2.0",
      method: "collab.ephemeral",
      params: {
        type: "typing",
        channel_id: channel.id,
        thread_id: threadId ?? null,
        user_id: actor.userId,
        username: actor.username,
      },
    });
    for (const c of this.#conns) {
      if (c.live && c.actor.userId !== actor.userId && this.#svc.access.canRead(c.actor, channel)) {
        this.#send(c, text);
      }
    }
  }

  /** Whether `actor` may see `event`. */
  visible(actor: Actor, e: CollabEvent): boolean {
    if (e.user_id) return e.user_id === actor.userId;
    if (e.channel_id) return this.#svc.access.readableIds(actor).has(e.channel_id);
    if (e.workspace_id) {
      const ws = this.#svc.store.workspaces.find(e.workspace_id);
      return !!ws && this.#svc.access.canUseWorkspace(actor, ws);
    }
    return true;
  }

  /** Stops following the log and closes every connection. */
  shutdown(): void {
    this.#unsubscribe();
    for (const c of this.#conns) c.transport.close(1001, "hero_collab is stopping");
    this.#conns.clear();
  }

  #publish(e: CollabEvent): void {
    let text: string | undefined;
    for (const c of this.#conns) {
      if (!c.live || e.seq <= c.cursor) continue;
      if (this.#sees(c, e)) this.#send(c, text ??= notification(e));
      c.cursor = e.seq;
    }
  }

  /** Whether a connection may see an event, as who its user is now. */
  #sees(c: LiveConnection, e: CollabEvent): boolean {
    const dir = this.#svc.store.directory;
    if (c.generation !== dir.generation) {
      try {
        c.actor = this.#svc.actorOf(c.caller);
        c.generation = dir.generation;
      } catch {
        // Disabled or gone in hero_auth: the connection ends.
        this.#conns.delete(c);
        c.transport.close(4003, "no longer a hero_collab user");
        return false;
      }
    }
    return this.visible(c.actor, e);
  }

  #presence(userId: string): void {
    const text = JSON.stringify({
      jsonrpc: "2.0",
      method: "collab.ephemeral",
      params: { type: "presence", user_id: userId, presence: this.presenceOf(userId) },
    });
    for (const c of this.#conns) if (c.live) this.#send(c, text);
  }

  #send(c: LiveConnection, text: string): void {
    if (c.transport.buffered() > MAX_BUFFERED) {
      this.stats.dropped++;
      this.#conns.delete(c);
      c.transport.close(1013, "too far behind: reconnect with your cursor");
      return;
    }
    c.transport.send(text);
    this.stats.sent++;
  }
}

function notification(e: CollabEvent): string {
  return JSON.stringify({ jsonrpc: "2.0", method: "collab.event", params: e });
}
