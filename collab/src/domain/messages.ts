/**
 * Messages: posting (with threads, "also send to channel", mentions and notifications), edits
 * with history, deletes, reactions, pins and reading history around a point. Every change is
 * one transaction with its event.
 */
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, Message, MessageKind } from "../store/records.ts";
import { reactionName } from "../render/emoji.ts";
import { mentionedNames } from "../render/markdown.ts";
import { type Access, type Actor, label, scope } from "./access.ts";
import type { Channels } from "./channels.ts";
import type { Moderation } from "./moderation.ts";
import type { CollabLimits } from "./limits.ts";
import type { MessageView, MessageViews } from "./message_views.ts";

/** What a post carries. */
export interface PostInput {
  channel_id: string;
  text: string;
  /** Reply in the thread of this message. */
  thread_id?: string;
  /** A reply that also shows in the channel. */
  also_in_channel?: boolean;
  /** Ids of files uploaded by the poster to this channel and not yet attached. */
  files?: string[];
}

/** How a history page is chosen: newest, before or after a seq, or around a message. */
export interface HistoryQuery {
  channel_id: string;
  before?: number;
  after?: number;
  around?: string;
  limit?: number;
}

type Stored = Message & { seq: number };

/** Message operations. */
export class Messages {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #channels: Channels;
  readonly #views: MessageViews;
  readonly #limits: CollabLimits;
  readonly #moderation: Moderation;
  /** Called after a post committed (outgoing webhooks). */
  onPosted?: (message: MessageView, channel: Channel) => void;

  /** Works on `store`. */
  constructor(
    store: CollabStore,
    deps: {
      access: Access;
      channels: Channels;
      views: MessageViews;
      limits: CollabLimits;
      moderation: Moderation;
    },
  ) {
    this.#s = store;
    this.#access = deps.access;
    this.#channels = deps.channels;
    this.#views = deps.views;
    this.#limits = deps.limits;
    this.#moderation = deps.moderation;
  }

  /** Posts a message or a thread reply. */
  post(
    actor: Actor,
    input: PostInput,
    as: { kind?: MessageKind; bot_name?: string } = {},
  ): MessageView {
    const channel = this.#access.readable(actor, input.channel_id);
    if (as.kind !== "bot") this.#access.mustPost(actor, channel);
    else if (channel.archived) {
      throw collabError("FORBIDDEN", `Cannot post in ${label(channel)}: the channel is archived`);
    }
    const text = input.text ?? "";
    const fileIds = [...new Set(input.files ?? [])];
    this.#checkText(text, fileIds.length > 0);
    if (fileIds.length > this.#limits.maxFilesPerMessage) {
      throw collabError(
        "INVALID_PARAMS",
        `A message has at most ${this.#limits.maxFilesPerMessage} files`,
      );
    }
    let root: Stored | undefined;
    if (input.thread_id) {
      root = this.#s.messages.find(input.thread_id);
      if (!root || root.channel_id !== channel.id || root.deleted_at) {
        throw collabError("NOT_FOUND", `No message "${input.thread_id}" in ${label(channel)}`);
      }
      if (root.thread_id) {
        throw collabError("INVALID_PARAMS", "Reply to the thread's first message, not to a reply");
      }
    } else if (input.also_in_channel) {
      throw collabError("INVALID_PARAMS", "also_in_channel needs a thread_id");
    }
    for (const id of fileIds) {
      const f = this.#s.files.find(id);
      if (!f || f.channel_id !== channel.id || f.user_id !== actor.userId || f.message_id) {
        throw collabError(
          "INVALID_PARAMS",
          `File "${id}" is not an unattached upload of yours in ${label(channel)}`,
        );
      }
    }
    const mentions = this.#resolveMentions(text);
    if (as.kind !== "bot") {
      this.#moderation.check(actor, channel, {
        post: true,
        thread: !!root,
        channelMention: mentions.channel,
      });
    }
    const view = this.#s.tx(() => {
      const msg = this.#s.messages.insert({
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        user_id: actor.userId,
        kind: as.kind ?? "user",
        bot_name: as.bot_name ?? null,
        text,
        thread_id: root?.id ?? null,
        also_in_channel: !!(root && input.also_in_channel),
        reply_count: 0,
        last_reply_at: null,
        mentions,
        files: fileIds,
        edited_at: null,
        deleted_at: null,
        pinned_at: null,
        pinned_by: null,
      });
      for (const id of fileIds) this.#s.files.update(id, { message_id: msg.id });
      if (root) {
        this.#s.db.prepare(
          "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = ? WHERE id = ?",
        ).run(Date.parse(msg.created_at), root.id);
      }
      // The sender has read their own message.
      this.#s.db.prepare(
        "UPDATE channel_members SET last_read_seq = ? WHERE channel_id = ? AND user_id = ? AND last_read_seq < ?",
      ).run(msg.seq, channel.id, actor.userId, msg.seq);
      const view = this.#views.view(msg);
      this.#s.events.append("message.posted", scope(channel), { message: view });
      if (root) {
        const updatedRoot = this.#views.view(this.#s.messages.get(root.id));
        this.#s.events.append("thread.updated", scope(channel), {
          root_id: root.id,
          reply_count: updatedRoot.reply_count,
          last_reply_at: updatedRoot.last_reply_at,
        });
      }
      this.#notify(actor, channel, msg, root);
      return view;
    });
    this.onPosted?.(view, channel);
    return view;
  }

  /** Edits the actor's own message; the previous text is kept in its history. */
  edit(actor: Actor, id: string, text: string, expectVersion?: number): MessageView {
    const msg = this.#mine(actor, id, "edit");
    this.#checkText(text, msg.files.length > 0);
    return this.#s.tx(() => {
      this.#s.db.prepare(
        "INSERT INTO message_edits(message_id, version, text, edited_by, edited_at) VALUES (?, ?, ?, ?, ?)",
      ).run(id, msg.version, msg.text, actor.userId, Date.now());
      const updated = this.#s.messages.update(id, {
        text,
        edited_at: new Date().toISOString(),
        mentions: this.#resolveMentions(text),
      }, { expectVersion });
      const view = this.#views.view(updated);
      const channel = this.#s.channels.get(msg.channel_id);
      this.#s.events.append("message.edited", scope(channel), { message: view });
      return view;
    });
  }

  /** Earlier versions of a message, oldest first. */
  history(actor: Actor, id: string): { version: number; text: string; edited_at: string }[] {
    this.get(actor, id);
    return (this.#s.db.prepare(
      "SELECT version, text, edited_at FROM message_edits WHERE message_id = ? ORDER BY version",
    ).all(id) as { version: number; text: string; edited_at: number }[]).map((r) => ({
      version: r.version,
      text: r.text,
      edited_at: new Date(r.edited_at).toISOString(),
    }));
  }

  /** Deletes a message (its author, or a moderator); the text and files go, a tombstone stays. */
  delete(actor: Actor, id: string): boolean {
    const msg = this.#s.messages.find(id);
    const channel = msg && this.#access.readable(actor, msg.channel_id);
    if (!msg || !channel || msg.deleted_at) {
      throw collabError("NOT_FOUND", `No message with id "${id}"`, { id });
    }
    const own = msg.user_id === actor.userId && msg.kind === "user";
    if (!own && !this.#access.canModerate(actor, channel)) {
      throw collabError("FORBIDDEN", `Only its author or a moderator may delete this message`);
    }
    this.#s.tx(() => {
      this.#s.messages.update(id, {
        text: "",
        files: [],
        deleted_at: new Date().toISOString(),
        pinned_at: null,
        pinned_by: null,
      });
      this.#s.db.prepare("DELETE FROM message_edits WHERE message_id = ?").run(id);
      this.#s.db.prepare("DELETE FROM reactions WHERE message_id = ?").run(id);
      this.#s.db.prepare("DELETE FROM mentions WHERE message_seq = ?").run(msg.seq);
      this.#s.db.prepare("DELETE FROM notifications WHERE message_id = ?").run(id);
      this.#s.db.prepare("UPDATE files SET message_id = NULL, channel_id = '' WHERE message_id = ?")
        .run(id);
      if (msg.thread_id) {
        this.#s.db.prepare(
          "UPDATE messages SET reply_count = max(reply_count - 1, 0) WHERE id = ?",
        ).run(msg.thread_id);
      }
      this.#s.events.append("message.deleted", scope(channel), {
        id,
        thread_id: msg.thread_id,
        by: actor.userId,
      });
      if (!own) {
        this.#s.audit.append(actor.subject, "message.deleted", id, {
          channel_id: channel.id,
          author: msg.user_id,
        });
      }
    });
    return true;
  }

  /** A message the actor may read. */
  get(actor: Actor, id: string): MessageView {
    const msg = this.#s.messages.find(id);
    if (!msg || !this.#access.canRead(actor, this.#s.channels.get(msg.channel_id))) {
      throw collabError("NOT_FOUND", `No message with id "${id}"`, { id });
    }
    return this.#views.view(msg);
  }

  /**
   * A page of a channel's history (messages and replies sent to the channel), oldest first,
   * with `has_more_before`/`has_more_after` for paging.
   */
  list(actor: Actor, q: HistoryQuery): {
    messages: MessageView[];
    has_more_before: boolean;
    has_more_after: boolean;
  } {
    this.#access.readable(actor, q.channel_id);
    const limit = Math.min(q.limit ?? 50, 200);
    const base =
      "channel_id = ? AND (thread_id IS NULL OR also_in_channel = 1) AND deleted_at IS NULL";
    let rows: Stored[];
    let moreBefore = false;
    let moreAfter = false;
    if (q.around) {
      const at = this.#s.messages.find(q.around);
      if (!at || at.channel_id !== q.channel_id) {
        throw collabError("NOT_FOUND", `No message "${q.around}" in this channel`);
      }
      const half = Math.floor(limit / 2);
      const older = this.#s.messages.where(
        `${base} AND seq < ? ORDER BY seq DESC LIMIT ?`,
        q.channel_id,
        at.seq,
        half + 1,
      );
      const newer = this.#s.messages.where(
        `${base} AND seq >= ? ORDER BY seq LIMIT ?`,
        q.channel_id,
        at.seq,
        limit - half + 1,
      );
      moreBefore = older.length > half;
      moreAfter = newer.length > limit - half;
      rows = [...older.slice(0, half).reverse(), ...newer.slice(0, limit - half)];
    } else if (q.after !== undefined) {
      rows = this.#s.messages.where(
        `${base} AND seq > ? ORDER BY seq LIMIT ?`,
        q.channel_id,
        q.after,
        limit + 1,
      );
      moreAfter = rows.length > limit;
      rows = rows.slice(0, limit);
      moreBefore = true;
    } else {
      rows = this.#s.messages.where(
        `${base} AND seq < ? ORDER BY seq DESC LIMIT ?`,
        q.channel_id,
        q.before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      );
      moreBefore = rows.length > limit;
      rows = rows.slice(0, limit).reverse();
      moreAfter = q.before !== undefined;
    }
    return {
      messages: this.#views.views(rows),
      has_more_before: moreBefore,
      has_more_after: moreAfter,
    };
  }

  /** A thread: its first message and every reply, oldest first. */
  thread(actor: Actor, rootId: string): { root: MessageView; replies: MessageView[] } {
    const root = this.get(actor, rootId);
    if (root.thread_id) return this.thread(actor, root.thread_id);
    const replies = this.#s.messages.where(
      "thread_id = ? AND deleted_at IS NULL ORDER BY seq",
      rootId,
    );
    return { root, replies: this.#views.views(replies) };
  }

  /** Adds the actor's reaction (no change if already there). */
  react(actor: Actor, id: string, emoji: string, add: boolean): MessageView {
    const name = reactionName(emoji);
    if (!name) throw collabError("INVALID_PARAMS", `Unknown emoji "${emoji}"`);
    const msg = this.get(actor, id);
    const channel = this.#s.channels.get(msg.channel_id);
    if (!this.#access.isMember(actor, channel)) {
      throw collabError("FORBIDDEN", `Join ${label(channel)} to react`);
    }
    if (add) this.#moderation.check(actor, channel, { react: true });
    if (msg.deleted_at) throw collabError("NOT_FOUND", `No message with id "${id}"`);
    if (
      add && !msg.reactions.some((r) => r.emoji === name) &&
      msg.reactions.length >= this.#limits.maxReactionsPerMessage
    ) {
      throw collabError(
        "INVALID_PARAMS",
        `A message has at most ${this.#limits.maxReactionsPerMessage} different reactions`,
      );
    }
    return this.#s.tx(() => {
      const changes = add
        ? this.#s.db.prepare(
          "INSERT OR IGNORE INTO reactions(message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)",
        ).run(id, name, actor.userId, Date.now()).changes
        : this.#s.db.prepare(
          "DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?",
        ).run(id, name, actor.userId).changes;
      const view = this.#views.view(this.#s.messages.get(id));
      if (Number(changes) > 0) {
        this.#s.events.append(add ? "reaction.added" : "reaction.removed", scope(channel), {
          message_id: id,
          emoji: name,
          user_id: actor.userId,
          reactions: view.reactions,
        });
      }
      return view;
    });
  }

  /** Pins or unpins a message (members of its channel). */
  pin(actor: Actor, id: string, pinned: boolean): MessageView {
    const msg = this.get(actor, id);
    const channel = this.#s.channels.get(msg.channel_id);
    if (!this.#access.isMember(actor, channel)) {
      throw collabError("FORBIDDEN", `Join ${label(channel)} to pin messages`);
    }
    return this.#s.tx(() => {
      const updated = this.#s.messages.update(id, {
        pinned_at: pinned ? new Date().toISOString() : null,
        pinned_by: pinned ? actor.userId : null,
      });
      const view = this.#views.view(updated);
      this.#s.events.append(pinned ? "pin.added" : "pin.removed", scope(channel), {
        message_id: id,
        by: actor.userId,
      });
      return view;
    });
  }

  /** Pinned messages of a channel, newest pin first. */
  pins(actor: Actor, channelId: string): MessageView[] {
    this.#access.readable(actor, channelId);
    return this.#views.views(
      this.#s.messages.where(
        "channel_id = ? AND pinned_at IS NOT NULL ORDER BY pinned_at DESC",
        channelId,
      ),
    );
  }

  #mine(actor: Actor, id: string, what: string): Stored {
    const msg = this.#s.messages.find(id);
    if (
      !msg || msg.deleted_at || !this.#access.canRead(actor, this.#s.channels.get(msg.channel_id))
    ) {
      throw collabError("NOT_FOUND", `No message with id "${id}"`, { id });
    }
    if (msg.user_id !== actor.userId || msg.kind !== "user") {
      throw collabError("FORBIDDEN", `Only its author may ${what} this message`);
    }
    return msg;
  }

  #checkText(text: string, hasFiles: boolean): void {
    if (text.length > this.#limits.maxMessageChars) {
      throw collabError(
        "TOO_LARGE",
        `The message has ${text.length} characters; the limit is ${this.#limits.maxMessageChars}`,
        { limit: this.#limits.maxMessageChars },
      );
    }
    if (!text.trim() && !hasFiles) throw collabError("INVALID_PARAMS", "The message is empty");
    if (text.includes("\u0000")) throw collabError("INVALID_PARAMS", "The message contains NUL");
  }

  #resolveMentions(text: string): Message["mentions"] {
    const { names, channel } = mentionedNames(text);
    const users = new Set<string>();
    const groups = new Set<string>();
    for (const name of names) {
      const u = this.#s.directory.userByName(name);
      if (u) users.add(u.id);
      else {
        const g = this.#s.directory.group(name);
        if (g) groups.add(g.id);
      }
    }
    return { users: [...users], groups: [...groups], channel };
  }

  /** Mention rows and notifications: mentions, DMs, replies to threads one took part in. */
  #notify(actor: Actor, channel: Channel, msg: Stored, root?: Stored): void {
    const members = new Set(this.#channels.memberIds(channel));
    const who = new Map<string, "mention" | "dm" | "reply">();
    const mentioned = new Set<string>(msg.mentions.users);
    for (const g of msg.mentions.groups) {
      for (const u of this.#s.directory.members(g)) mentioned.add(u);
    }
    if (msg.mentions.channel) { for (const u of members) mentioned.add(u); }
    for (const u of mentioned) {
      if (u === actor.userId) continue;
      // Only people who can read the channel hear about it.
      if (channel.kind !== "public" && !members.has(u)) continue;
      this.#s.db.prepare(
        "INSERT OR IGNORE INTO mentions(user_id, channel_id, message_seq) VALUES (?, ?, ?)",
      ).run(u, channel.id, msg.seq);
      who.set(u, "mention");
    }
    if (channel.dm_key) {
      for (const u of members) if (u !== actor.userId && !who.has(u)) who.set(u, "dm");
    }
    if (root) {
      const participants = new Set([root.user_id]);
      for (
        const r of this.#s.db.prepare("SELECT DISTINCT user_id FROM messages WHERE thread_id = ?")
          .all(root.id) as { user_id: string }[]
      ) participants.add(r.user_id);
      for (const u of participants) if (u !== actor.userId && !who.has(u)) who.set(u, "reply");
    }
    for (const [userId, kind] of who) {
      if (this.#s.directory.user(userId)?.is_bot) continue;
      const n = this.#s.notifications.insert({
        user_id: userId,
        kind,
        channel_id: channel.id,
        message_id: msg.id,
        actor_id: actor.userId,
        read_at: null,
      });
      this.#s.events.append(
        "notification",
        { user_id: userId, workspace_id: channel.workspace_id },
        {
          notification: n,
          channel_name: channel.name,
          channel_kind: channel.kind,
          from: actor.username,
          text: msg.text.slice(0, 200),
        },
      );
    }
  }
}
