/** The shared schemas of hero_collab's OpenRPC document (`#/components/schemas`). */

const id = { type: "string" };
const time = { type: "string", format: "date-time" };
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: "null" }] });
const record = {
  id,
  version: { type: "integer", description: "Bumped by every change" },
  created_at: time,
  updated_at: time,
};

/** Every shared schema. */
export const SCHEMAS: Record<string, unknown> = {
  Workspace: {
    type: "object",
    required: ["id", "name", "slug"],
    properties: {
      ...record,
      name: { type: "string" },
      slug: { type: "string" },
      description: { type: "string" },
      groups: { type: "array", items: id, description: "hero_auth group ids with access" },
      retention_days: nullable({ type: "integer" }),
      created_by: id,
    },
  },
  Channel: {
    type: "object",
    required: ["id", "name", "kind"],
    properties: {
      ...record,
      workspace_id: id,
      name: { type: "string" },
      kind: { enum: ["public", "private", "dm", "group_dm"] },
      topic: { type: "string" },
      purpose: { type: "string" },
      archived: { type: "boolean" },
      groups: { type: "array", items: id },
      post_policy: { enum: ["members", "moderators"] },
      retention_days: nullable({ type: "integer" }),
      created_by: id,
      moderation: nullable({ $ref: "#/components/schemas/Moderation" }),
      member: { type: "boolean", description: "Whether the caller is a member" },
    },
  },
  Moderation: {
    type: "object",
    description: "What plain members may do in a channel (moderators and admins always may)",
    properties: {
      reactions: { type: "boolean" },
      threads: { type: "boolean" },
      channel_mentions: { type: "boolean", description: "Members may notify everyone" },
      invite: { enum: ["members", "moderators"], description: "Who may add people" },
      slow_mode_s: { type: "integer", minimum: 0, maximum: 21600 },
    },
    additionalProperties: false,
  },
  Webhook: {
    type: "object",
    required: ["id", "direction", "workspace_id", "name"],
    properties: {
      ...record,
      direction: { enum: ["incoming", "outgoing"] },
      workspace_id: id,
      channel_id: nullable(id),
      name: { type: "string" },
      url: nullable({ type: "string" }),
      trigger_words: { type: "array", items: { type: "string" } },
      trigger_when: { enum: ["first_word", "starts_with"] },
      content_type: { enum: ["json", "form"] },
      created_by: id,
    },
  },
  File: {
    type: "object",
    required: ["id", "name", "size", "sha256"],
    properties: {
      ...record,
      channel_id: id,
      message_id: nullable(id),
      user_id: id,
      name: { type: "string" },
      mime: { type: "string" },
      size: { type: "integer" },
      sha256: { type: "string" },
      width: nullable({ type: "integer" }),
      height: nullable({ type: "integer" }),
      has_preview: { type: "boolean" },
    },
  },
  Message: {
    type: "object",
    required: ["id", "channel_id", "user_id", "text", "html"],
    properties: {
      ...record,
      seq: { type: "integer", description: "Position in the whole store (read markers)" },
      workspace_id: id,
      channel_id: id,
      user_id: id,
      kind: { enum: ["user", "bot", "system"] },
      bot_name: nullable({ type: "string" }),
      text: { type: "string", description: "Markdown source" },
      html: { type: "string", description: "Sanitised HTML rendering" },
      thread_id: nullable(id),
      also_in_channel: { type: "boolean" },
      reply_count: { type: "integer" },
      last_reply_at: nullable(time),
      mentions: { type: "object" },
      files: { type: "array", items: { $ref: "#/components/schemas/File" } },
      reactions: {
        type: "array",
        items: {
          type: "object",
          properties: {
            emoji: { type: "string" },
            count: { type: "integer" },
            users: { type: "array", items: id },
          },
        },
      },
      user: { type: "object" },
      edited_at: nullable(time),
      deleted_at: nullable(time),
      pinned_at: nullable(time),
      pinned_by: nullable(id),
    },
  },
  Counts: {
    type: "object",
    required: ["channel_id", "unread", "mentions"],
    properties: {
      channel_id: id,
      last_read_seq: { type: "integer" },
      unread: { type: "integer" },
      mentions: { type: "integer" },
    },
  },
  User: {
    type: "object",
    required: ["id", "username"],
    properties: {
      id,
      username: { type: "string" },
      display_name: { type: "string" },
      is_bot: { type: "boolean" },
      disabled: { type: "boolean" },
    },
  },
  Event: {
    type: "object",
    required: ["seq", "type", "data"],
    properties: {
      seq: { type: "integer" },
      ts: time,
      type: { type: "string" },
      workspace_id: nullable(id),
      channel_id: nullable(id),
      user_id: nullable(id),
      data: { type: "object" },
    },
  },
};
