/**
 * Channel moderation: what plain members may do in a channel (react, use threads, notify
 * everyone, add people, how often they may post), and muting a member for a while — they keep
 * reading but cannot post, react or upload there. Moderators and admins are never held back.
 */
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import { type Channel, type ChannelModeration, DEFAULT_MODERATION } from "../store/records.ts";
import { type Access, type Actor, label, scope } from "./access.ts";

/** A muted member as listed. */
export interface Mute {
  user_id: string;
  /** ISO 8601, or null: until unmuted. */
  until: string | null;
  by: string;
  at: string;
}

/** Moderation of channels. */
export class Moderation {
  readonly #s: CollabStore;
  readonly #access: Access;

  /** Works on `store`. */
  constructor(store: CollabStore, access: Access) {
    this.#s = store;
    this.#access = access;
  }

  /** A channel's settings, defaults filled in. */
  settings(channel: Channel): ChannelModeration {
    return { ...DEFAULT_MODERATION, ...(channel.moderation ?? {}) };
  }

  /** Mutes a member of a channel, for `minutes` or until unmuted (moderators). */
  mute(actor: Actor, channelId: string, userId: string, minutes?: number): Mute {
    const channel = this.#moderated(actor, channelId);
    const user = this.#s.directory.mustUser(userId);
    const target = this.#access.actorForUser(user.id);
    if (this.#access.canModerate(target, channel)) {
      throw collabError("INVALID_PARAMS", `${user.username} moderates ${label(channel)}`);
    }
    const now = Date.now();
    const until = minutes ? now + minutes * 60_000 : null;
    this.#s.tx(() => {
      this.#s.db.prepare(
        `INSERT INTO channel_mutes(channel_id, user_id, until, by, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(channel_id, user_id) DO UPDATE SET until = excluded.until, by = excluded.by, at = excluded.at`,
      ).run(channel.id, user.id, until, actor.userId, now);
      this.#s.events.append("channel.member_muted", scope(channel), {
        channel_id: channel.id,
        user_id: user.id,
        until: until === null ? null : new Date(until).toISOString(),
      });
      this.#s.audit.append(actor.subject, "channel.member_muted", channel.id, {
        user_id: user.id,
        minutes: minutes ?? null,
      });
    });
    return this.mutes(actor, channelId).find((m) => m.user_id === user.id)!;
  }

  /** Lifts a mute; false if there was none (moderators). */
  unmute(actor: Actor, channelId: string, userId: string): boolean {
    const channel = this.#moderated(actor, channelId);
    return this.#s.tx(() => {
      const removed = Number(
        this.#s.db.prepare("DELETE FROM channel_mutes WHERE channel_id = ? AND user_id = ?")
          .run(channel.id, userId).changes,
      ) > 0;
      if (removed) {
        this.#s.events.append("channel.member_unmuted", scope(channel), {
          channel_id: channel.id,
          user_id: userId,
        });
        this.#s.audit.append(actor.subject, "channel.member_unmuted", channel.id, {
          user_id: userId,
        });
      }
      return removed;
    });
  }

  /** The members muted in a channel now (moderators). */
  mutes(actor: Actor, channelId: string): Mute[] {
    const channel = this.#moderated(actor, channelId);
    return (this.#s.db.prepare(
      "SELECT * FROM channel_mutes WHERE channel_id = ? AND (until IS NULL OR until > ?) ORDER BY at",
    ).all(channel.id, Date.now()) as Record<string, unknown>[]).map((r) => ({
      user_id: String(r.user_id),
      until: r.until === null ? null : new Date(Number(r.until)).toISOString(),
      by: String(r.by),
      at: new Date(Number(r.at)).toISOString(),
    }));
  }

  /** Refuses an action the channel's settings or a mute forbid the actor. */
  check(
    actor: Actor,
    channel: Channel,
    action: { post?: boolean; thread?: boolean; react?: boolean; channelMention?: boolean },
  ): void {
    if (this.#access.canModerate(actor, channel)) return;
    const muted = this.#s.db.prepare(
      "SELECT until FROM channel_mutes WHERE channel_id = ? AND user_id = ? AND (until IS NULL OR until > ?)",
    ).get(channel.id, actor.userId, Date.now()) as { until: number | null } | undefined;
    if (muted) {
      throw collabError(
        "FORBIDDEN",
        `You are muted in ${label(channel)}${
          muted.until ? ` until ${new Date(Number(muted.until)).toISOString()}` : ""
        }`,
      );
    }
    const s = this.settings(channel);
    if (action.react && !s.reactions) {
      throw collabError("FORBIDDEN", `Reactions are off in ${label(channel)}`);
    }
    if (action.thread && !s.threads) {
      throw collabError("FORBIDDEN", `Threads are off in ${label(channel)}`);
    }
    if (action.channelMention && !s.channel_mentions) {
      throw collabError(
        "FORBIDDEN",
        `Only moderators may notify everyone in ${label(channel)} with @channel`,
      );
    }
    if (action.post && s.slow_mode_s > 0) {
      const last = this.#s.db.prepare(
        "SELECT max(created_at) AS t FROM messages WHERE channel_id = ? AND user_id = ? AND kind = 'user'",
      ).get(channel.id, actor.userId) as { t: number | null };
      const wait = last.t === null ? 0 : last.t + s.slow_mode_s * 1000 - Date.now();
      if (wait > 0) {
        throw collabError(
          "RATE_LIMITED",
          `Slow mode in ${label(channel)}: post again in ${Math.ceil(wait / 1000)} s`,
          { retry_after_s: Math.ceil(wait / 1000) },
        );
      }
    }
  }

  /** Whether the actor may add people to the channel under its settings. */
  mayInvite(actor: Actor, channel: Channel): boolean {
    return this.settings(channel).invite === "members" || this.#access.canModerate(actor, channel);
  }

  #moderated(actor: Actor, channelId: string): Channel {
    const channel = this.#access.readable(actor, channelId);
    if (!this.#access.canModerate(actor, channel)) {
      throw collabError("FORBIDDEN", `Only moderators may mute people in ${label(channel)}`);
    }
    return channel;
  }
}
