/**
 * Read markers and what is new: each member's last-read position per channel, unread and
 * mention counts per channel, and the notifications list.
 */
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Notification } from "../store/records.ts";
import type { Access, Actor } from "./access.ts";

/** Unread state of one channel for one user. */
export interface ChannelCounts {
  channel_id: string;
  last_read_seq: number;
  /** Messages after the marker by others (capped at 1000). */
  unread: number;
  /** Of those, the ones that mention the user. */
  mentions: number;
}

/** Read markers and counts. */
export class Reads {
  readonly #s: CollabStore;
  readonly #access: Access;

  /** Works on `store`. */
  constructor(store: CollabStore, access: Access) {
    this.#s = store;
    this.#access = access;
  }

  /**
   * Sets the actor's marker in a channel to a message (or to the newest one); moving it back
   * marks messages unread again.
   */
  mark(actor: Actor, channelId: string, messageId?: string): ChannelCounts {
    const channel = this.#access.readable(actor, channelId);
    let seq: number;
    if (messageId) {
      const msg = this.#s.messages.find(messageId);
      if (!msg || msg.channel_id !== channelId) {
        throw collabError("NOT_FOUND", `No message "${messageId}" in this channel`);
      }
      seq = msg.seq;
    } else {
      const row = this.#s.db.prepare("SELECT max(seq) AS s FROM messages WHERE channel_id = ?")
        .get(channelId) as { s: number | null };
      seq = row.s ?? 0;
    }
    return this.#s.tx(() => {
      const changed = this.#s.db.prepare(
        "UPDATE channel_members SET last_read_seq = ? WHERE channel_id = ? AND user_id = ?",
      ).run(seq, channelId, actor.userId).changes;
      if (!Number(changed)) {
        if (!this.#access.isMember(actor, channel)) {
          throw collabError("FORBIDDEN", "Join the channel to keep a read marker");
        }
        // A member through a group gets a listed row to hold the marker.
        this.#s.db.prepare(
          "INSERT INTO channel_members(channel_id, user_id, role, joined_at, last_read_seq) VALUES (?, ?, 'member', ?, ?)",
        ).run(channelId, actor.userId, Date.now(), seq);
      }
      this.#s.db.prepare(
        `UPDATE notifications SET read_at = ? WHERE user_id = ? AND channel_id = ? AND read_at IS NULL
         AND message_id IN (SELECT id FROM messages WHERE channel_id = ? AND seq <= ?)`,
      ).run(Date.now(), actor.userId, channelId, channelId, seq);
      const counts = this.counts(actor, channelId);
      this.#s.events.append("read.marked", {
        user_id: actor.userId,
        workspace_id: channel.workspace_id,
      }, { ...counts });
      return counts;
    });
  }

  /** Counts of one channel. */
  counts(actor: Actor, channelId: string): ChannelCounts {
    const row = this.#s.db.prepare(
      "SELECT last_read_seq FROM channel_members WHERE channel_id = ? AND user_id = ?",
    ).get(channelId, actor.userId) as { last_read_seq: number } | undefined;
    const last = row?.last_read_seq ?? this.#headOf(channelId);
    const unread = this.#s.db.prepare(
      `SELECT count(*) AS n FROM (SELECT 1 FROM messages WHERE channel_id = ? AND seq > ?
         AND (thread_id IS NULL OR also_in_channel = 1) AND deleted_at IS NULL AND user_id <> ? LIMIT 1000)`,
    ).get(channelId, last, actor.userId) as { n: number };
    const mentions = this.#s.db.prepare(
      "SELECT count(*) AS n FROM mentions WHERE user_id = ? AND channel_id = ? AND message_seq > ?",
    ).get(actor.userId, channelId, last) as { n: number };
    return { channel_id: channelId, last_read_seq: last, unread: unread.n, mentions: mentions.n };
  }

  /** Counts of every channel the actor is a member of in a workspace. */
  workspaceCounts(actor: Actor, workspaceId: string): ChannelCounts[] {
    const readable = this.#access.readableIds(actor);
    return this.#s.channels.where("workspace_id = ? AND archived = 0", workspaceId)
      .filter((c) => readable.has(c.id) && this.#access.isMember(actor, c))
      .map((c) => this.counts(actor, c.id));
  }

  /** The actor's notifications, newest first. */
  notifications(
    actor: Actor,
    opts: { unread_only?: boolean; limit?: number } = {},
  ): Notification[] {
    return this.#s.notifications.where(
      `user_id = ? ${opts.unread_only ? "AND read_at IS NULL" : ""} ORDER BY seq DESC LIMIT ?`,
      actor.userId,
      Math.min(opts.limit ?? 50, 500),
    );
  }

  /** Marks notifications read (all when no ids are given). */
  readNotifications(actor: Actor, ids?: string[]): number {
    const now = Date.now();
    return this.#s.tx(() => {
      const n = ids
        ? this.#s.db.prepare(
          "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (SELECT value FROM json_each(?))",
        ).run(now, actor.userId, JSON.stringify(ids)).changes
        : this.#s.db.prepare(
          "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL",
        ).run(now, actor.userId).changes;
      this.#s.events.append("notifications.read", { user_id: actor.userId }, { ids: ids ?? null });
      return Number(n);
    });
  }

  #headOf(channelId: string): number {
    const row = this.#s.db.prepare("SELECT max(seq) AS s FROM messages WHERE channel_id = ?")
      .get(channelId) as { s: number | null };
    return row.s ?? 0;
  }
}
