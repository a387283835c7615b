/**
 * hero_collab's record types: workspaces, channels, messages, files, notifications, webhooks
 * and slash commands, each declared once (fields and column kinds) for the object layer.
 */
import type { RecordBase, RecordType } from "./record_table.ts";

/** A workspace: a set of channels with its own retention and access groups. */
export interface Workspace extends RecordBase {
  name: string;
  slug: string;
  description: string;
  /** hero_auth group ids whose members may use it (empty: every user). */
  groups: string[];
  /** Days messages are kept (null: forever). */
  retention_days: number | null;
  created_by: string;
}

/** Channel kinds: public and private channels, direct and group messages. */
export type ChannelKind = "public" | "private" | "dm" | "group_dm";

/** A conversation. */
export interface Channel extends RecordBase {
  workspace_id: string;
  name: string;
  kind: ChannelKind;
  topic: string;
  purpose: string;
  archived: boolean;
  /** hero_auth group ids whose members are members (private channels). */
  groups: string[];
  /** Who may post: everyone who may read, or only moderators and admins (announcements). */
  post_policy: "members" | "moderators";
  /** Days messages are kept (null: the workspace's setting). */
  retention_days: number | null;
  created_by: string;
  /** Sorted participant ids of a DM or group DM (one conversation per set of people). */
  dm_key: string | null;
  /** What plain members may do here (moderators and admins always may); null: defaults. */
  moderation: Partial<ChannelModeration> | null;
}

/** A channel's moderation settings. */
export interface ChannelModeration {
  /** Members may react to messages. */
  reactions: boolean;
  /** Members may start and answer threads. */
  threads: boolean;
  /** Members may notify everyone with @channel. */
  channel_mentions: boolean;
  /** Who may add people: every member, or only moderators. */
  invite: "members" | "moderators";
  /** Seconds a member waits between posts (0: no wait). */
  slow_mode_s: number;
}

/** The moderation settings of a channel that has none of its own. */
export const DEFAULT_MODERATION: ChannelModeration = {
  reactions: true,
  threads: true,
  channel_mentions: true,
  invite: "members",
  slow_mode_s: 0,
};

/** Who sent a message. */
export type MessageKind = "user" | "bot" | "system";

/** A message, a thread reply or a bot post. */
export interface Message extends RecordBase {
  workspace_id: string;
  channel_id: string;
  user_id: string;
  kind: MessageKind;
  /** Name shown for bot posts (incoming webhooks, slash commands). */
  bot_name: string | null;
  /** Markdown source. */
  text: string;
  /** The thread root's id for replies. */
  thread_id: string | null;
  /** A reply that is also shown in the channel. */
  also_in_channel: boolean;
  reply_count: number;
  last_reply_at: string | null;
  /** Resolved mentions: users, groups (ids) and whether @channel was used. */
  mentions: { users: string[]; groups: string[]; channel: boolean };
  /** Attached file ids. */
  files: string[];
  edited_at: string | null;
  deleted_at: string | null;
  pinned_at: string | null;
  pinned_by: string | null;
}

/** An uploaded file, stored on disk by content hash. */
export interface FileRecord extends RecordBase {
  workspace_id: string;
  channel_id: string;
  message_id: string | null;
  user_id: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  has_preview: boolean;
}

/** Something a user should look at: a mention, a DM, a reply in a followed thread. */
export interface Notification extends RecordBase {
  user_id: string;
  kind: "mention" | "dm" | "reply";
  channel_id: string;
  message_id: string;
  actor_id: string;
  read_at: string | null;
}

/** An incoming (post into a channel) or outgoing (call a URL on trigger words) webhook. */
export interface Webhook extends RecordBase {
  direction: "incoming" | "outgoing";
  workspace_id: string;
  /** The channel (an outgoing hook without one listens to every public channel, by trigger). */
  channel_id: string | null;
  name: string;
  /** Incoming: SHA-256 (hex) of the secret in its URL. */
  token_hash: string | null;
  /** Outgoing: the token sent with each call, so the receiver knows it is us. */
  token: string | null;
  url: string | null;
  trigger_words: string[];
  /** Outgoing: a trigger word must be the first word, or the text must start with it. */
  trigger_when: "first_word" | "starts_with";
  /** Outgoing: how the call's body is encoded. */
  content_type: "json" | "form";
  created_by: string;
}

/** A slash command mapped to a Hero RPC method. */
export interface Command extends RecordBase {
  workspace_id: string;
  name: string;
  description: string;
  service: string;
  method: string;
  /** Params template: strings may use {text}, {1}…{9}, {user}, {username}, {channel}, {channel_name}, {thread}, {workspace}. */
  params: Record<string, unknown>;
  /** Shown by /help, e.g. `/deploy <service> [version]`. */
  usage: string;
  response: "ephemeral" | "in_channel";
  /** hero_auth group ids whose members may run it (empty: everyone). */
  groups: string[];
  created_by: string;
}

/** The declared types. */
export const RECORDS = {
  workspace: {
    table: "workspaces",
    prefix: "w",
    noun: "workspace",
    fields: {
      name: "text",
      slug: "text",
      description: "text",
      groups: "json",
      retention_days: "int",
      created_by: "text",
    },
  } satisfies RecordType<Workspace>,
  channel: {
    table: "channels",
    prefix: "c",
    noun: "channel",
    fields: {
      workspace_id: "text",
      name: "text",
      kind: "text",
      topic: "text",
      purpose: "text",
      archived: "bool",
      groups: "json",
      post_policy: "text",
      retention_days: "int",
      created_by: "text",
      dm_key: "text",
      moderation: "json",
    },
  } satisfies RecordType<Channel>,
  message: {
    table: "messages",
    prefix: "m",
    noun: "message",
    fields: {
      workspace_id: "text",
      channel_id: "text",
      user_id: "text",
      kind: "text",
      bot_name: "text",
      text: "text",
      thread_id: "text",
      also_in_channel: "bool",
      reply_count: "int",
      last_reply_at: "time",
      mentions: "json",
      files: "json",
      edited_at: "time",
      deleted_at: "time",
      pinned_at: "time",
      pinned_by: "text",
    },
  } satisfies RecordType<Message>,
  file: {
    table: "files",
    prefix: "f",
    noun: "file",
    fields: {
      workspace_id: "text",
      channel_id: "text",
      message_id: "text",
      user_id: "text",
      name: "text",
      mime: "text",
      size: "int",
      sha256: "text",
      width: "int",
      height: "int",
      has_preview: "bool",
    },
  } satisfies RecordType<FileRecord>,
  notification: {
    table: "notifications",
    prefix: "n",
    noun: "notification",
    fields: {
      user_id: "text",
      kind: "text",
      channel_id: "text",
      message_id: "text",
      actor_id: "text",
      read_at: "time",
    },
  } satisfies RecordType<Notification>,
  webhook: {
    table: "webhooks",
    prefix: "h",
    noun: "webhook",
    fields: {
      direction: "text",
      workspace_id: "text",
      channel_id: "text",
      name: "text",
      token_hash: "text",
      token: "text",
      url: "text",
      trigger_words: "json",
      trigger_when: "text",
      content_type: "text",
      created_by: "text",
    },
  } satisfies RecordType<Webhook>,
  command: {
    table: "commands",
    prefix: "k",
    noun: "slash command",
    fields: {
      workspace_id: "text",
      name: "text",
      description: "text",
      service: "text",
      method: "text",
      params: "json",
      usage: "text",
      response: "text",
      groups: "json",
      created_by: "text",
    },
  } satisfies RecordType<Command>,
} as const;
