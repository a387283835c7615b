/** The `messages.*`, `reactions.*`, `pins.*` and `search.*` methods. */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { MessageView } from "../domain/message_views.ts";
import type { SearchHit } from "../search/search.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, DESTRUCTIVE, IDEMPOTENT, idParam, READ, ref } from "./define.ts";

const message = { name: "message", schema: ref("Message") };
const emoji = {
  name: "emoji",
  required: true,
  description: "A shortcode (thumbsup, :tada:) or the emoji itself",
  schema: { type: "string", minLength: 1, maxLength: 64 },
};

/** The message, reaction, pin and search methods. */
// deno-lint-ignore no-explicit-any
export function messageMethods(svc: CollabService): MethodSpec<any, any>[] {
  const m = svc.messages;
  return [
    collabMethod<
      {
        channel_id: string;
        text: string;
        thread_id?: string;
        also_in_channel?: boolean;
        files?: string[];
      },
      MessageView
    >(svc, {
      name: "messages.post",
      summary: "Post a message, or reply in a thread",
      description:
        "Markdown; @user, @group and @channel mention (and notify) people. Files are ids from files.upload.",
      tags: ["messages"],
      params: [
        idParam("channel_id", "Channel id"),
        {
          name: "text",
          required: true,
          description: `Markdown, at most ${svc.limits.maxMessageChars} characters`,
          schema: { type: "string", maxLength: 1_000_000 },
        },
        idParam("thread_id", "Reply in the thread of this message", false),
        {
          name: "also_in_channel",
          description: "A thread reply that is also shown in the channel",
          schema: { type: "boolean" },
        },
        {
          name: "files",
          description: "Uploaded file ids to attach",
          schema: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 100 },
        },
      ],
      result: message,
      errors: [ERRORS.notFound, ERRORS.forbidden, ERRORS.tooLarge, ERRORS.rateLimited],
      handler: (p, actor) => m.post(actor, p),
    }),
    collabMethod<{ id: string; text: string; expect_version?: number }, MessageView>(svc, {
      name: "messages.edit",
      summary: "Edit one of the caller's messages (the old text stays in its history)",
      tags: ["messages"],
      params: [
        idParam("id", "Message id"),
        { name: "text", required: true, schema: { type: "string", maxLength: 1_000_000 } },
        {
          name: "expect_version",
          description: "Refuse the edit if the message changed since this version",
          schema: { type: "integer", minimum: 1 },
        },
      ],
      result: message,
      errors: [ERRORS.notFound, ERRORS.forbidden, ERRORS.conflict, ERRORS.tooLarge],
      annotations: IDEMPOTENT,
      handler: ({ id, text, expect_version }, actor) => m.edit(actor, id, text, expect_version),
    }),
    collabMethod<{ id: string }, boolean>(svc, {
      name: "messages.delete",
      summary: "Delete a message (its author or a moderator)",
      tags: ["messages", "moderation"],
      params: [idParam("id", "Message id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: DESTRUCTIVE,
      handler: ({ id }, actor) => m.delete(actor, id),
    }),
    collabMethod<{ id: string }, MessageView>(svc, {
      name: "messages.get",
      summary: "Get a message",
      tags: ["messages"],
      params: [idParam("id", "Message id")],
      result: message,
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => m.get(actor, id),
    }),
    collabMethod<
      { channel_id: string; before?: number; after?: number; around?: string; limit?: number },
      unknown
    >(svc, {
      name: "messages.list",
      summary: "A page of a channel's history, oldest first",
      description:
        "Newest page by default; `before`/`after` page by seq, `around` centres on a message (search results in context).",
      tags: ["messages"],
      params: [
        idParam("channel_id", "Channel id"),
        { name: "before", schema: { type: "integer", minimum: 0 } },
        { name: "after", schema: { type: "integer", minimum: 0 } },
        idParam("around", "A message id to centre on", false),
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 200 } },
      ],
      result: {
        name: "page",
        schema: {
          type: "object",
          required: ["messages"],
          properties: {
            messages: { type: "array", items: ref("Message") },
            has_more_before: { type: "boolean" },
            has_more_after: { type: "boolean" },
          },
        },
      },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: (p, actor) => m.list(actor, p),
    }),
    collabMethod<{ id: string }, unknown>(svc, {
      name: "messages.thread",
      summary: "A thread: its first message and every reply",
      tags: ["messages"],
      params: [idParam("id", "Any message of the thread")],
      result: {
        name: "thread",
        schema: {
          type: "object",
          properties: { root: ref("Message"), replies: { type: "array", items: ref("Message") } },
        },
      },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => m.thread(actor, id),
    }),
    collabMethod<{ id: string }, unknown>(svc, {
      name: "messages.history",
      summary: "Earlier versions of an edited message",
      tags: ["messages"],
      params: [idParam("id", "Message id")],
      result: { name: "versions", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => m.history(actor, id),
    }),
    collabMethod<{ id: string; emoji: string }, MessageView>(svc, {
      name: "reactions.add",
      summary: "React to a message",
      tags: ["reactions"],
      params: [idParam("id", "Message id"), emoji],
      result: message,
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id, emoji }, actor) => m.react(actor, id, emoji, true),
    }),
    collabMethod<{ id: string; emoji: string }, MessageView>(svc, {
      name: "reactions.remove",
      summary: "Take back a reaction",
      tags: ["reactions"],
      params: [idParam("id", "Message id"), emoji],
      result: message,
      errors: [ERRORS.notFound],
      annotations: { ...IDEMPOTENT, ...DESTRUCTIVE },
      handler: ({ id, emoji }, actor) => m.react(actor, id, emoji, false),
    }),
    collabMethod<{ id: string }, MessageView>(svc, {
      name: "pins.add",
      summary: "Pin a message to its channel",
      tags: ["pins"],
      params: [idParam("id", "Message id")],
      result: message,
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id }, actor) => m.pin(actor, id, true),
    }),
    collabMethod<{ id: string }, MessageView>(svc, {
      name: "pins.remove",
      summary: "Unpin a message",
      tags: ["pins"],
      params: [idParam("id", "Message id")],
      result: message,
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id }, actor) => m.pin(actor, id, false),
    }),
    collabMethod<{ channel_id: string }, MessageView[]>(svc, {
      name: "pins.list",
      summary: "Pinned messages of a channel",
      tags: ["pins"],
      params: [idParam("channel_id", "Channel id")],
      result: { name: "messages", schema: { type: "array", items: ref("Message") } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ channel_id }, actor) => m.pins(actor, channel_id),
    }),
    collabMethod<
      {
        query: string;
        workspace_id?: string;
        sort?: "relevance" | "newest";
        limit?: number;
        offset?: number;
      },
      { hits: SearchHit[]; query: string }
    >(svc, {
      name: "search.messages",
      summary: "Search messages the caller may read",
      description:
        'Words (all must match, accents ignored), "phrases", prefix*, -exclude, and filters in:#channel, in:@user, from:@user, has:file, has:link, has:pin, is:thread, before:/after:/on:YYYY-MM-DD. Ranked by bm25 among the newest 500 matches the caller may read (exact when fewer match), or newest first.',
      tags: ["search"],
      params: [
        { name: "query", required: true, schema: { type: "string", minLength: 1, maxLength: 500 } },
        idParam("workspace_id", "Limit to one workspace", false),
        { name: "sort", schema: { enum: ["relevance", "newest"] } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 100 } },
        { name: "offset", schema: { type: "integer", minimum: 0, maximum: 10000 } },
      ],
      result: {
        name: "results",
        schema: {
          type: "object",
          properties: {
            query: { type: "string" },
            hits: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  message: ref("Message"),
                  channel: { type: "object" },
                  snippet: { type: "string", description: "Escaped HTML, matches in <mark>" },
                  score: { anyOf: [{ type: "number" }, { type: "null" }] },
                },
              },
            },
          },
        },
      },
      annotations: READ,
      handler: (p, actor) => svc.search.messages(actor, p),
    }),
  ];
}
