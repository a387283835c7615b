/**
 * The `webhooks.*` methods: making, listing, changing and deleting incoming and outgoing
 * webhooks, new secrets, and the record of an outgoing hook's calls. (Incoming hooks are
 * posted to over HTTP at `hooks/<id>/<secret>` on the web socket, not through this API.)
 */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type {
  Delivery,
  OutgoingInput,
  WebhookSecret,
  WebhookView,
} from "../integrations/webhooks.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, DESTRUCTIVE, IDEMPOTENT, idParam, OPEN_WORLD, READ, ref } from "./define.ts";

const name = { name: "name", schema: { type: "string", minLength: 1, maxLength: 64 } };
const outgoing = [
  {
    name: "url",
    description: "Where to POST (http or https)",
    schema: { type: "string", minLength: 1, maxLength: 2000 },
  },
  idParam("channel_id", "A public channel (none: every public channel, by trigger word)", false),
  {
    name: "trigger_words",
    description: "Words that start a matching message (none: every message of the channel)",
    schema: { type: "array", items: { type: "string", minLength: 1, maxLength: 64 }, maxItems: 20 },
  },
  { name: "trigger_when", schema: { enum: ["first_word", "starts_with"] } },
  {
    name: "content_type",
    description: "How the call's fields are sent",
    schema: { enum: ["json", "form"] },
  },
];
const secretResult = {
  name: "created",
  description: "The hook and its secret (shown only now)",
  schema: {
    type: "object",
    required: ["webhook", "secret"],
    properties: {
      webhook: ref("Webhook"),
      secret: { type: "string" },
      path: { type: "string", description: "Incoming: POST here on hero_collab's web socket" },
    },
  },
};

/** The webhook methods. */
// deno-lint-ignore no-explicit-any
export function webhookMethods(svc: CollabService): MethodSpec<any, any>[] {
  const w = svc.webhooks;
  return [
    collabMethod<{ channel_id: string; name: string }, WebhookSecret>(svc, {
      name: "webhooks.create_incoming",
      summary: "Make an incoming webhook: a secret URL that posts into a channel (moderators)",
      description:
        'POST {"text": …, "username"?, "thread_id"?, "attachments"?} (JSON, or a form with payload=) to hooks/<id>/<secret> on hero_collab\'s web socket (/hero_collab/admin/ through hero_router). Slack- and Mattermost-style senders work unchanged.',
      tags: ["webhooks"],
      params: [idParam("channel_id", "Channel id"), { ...name, required: true }],
      result: secretResult,
      errors: [ERRORS.notFound, ERRORS.forbidden],
      handler: (p, actor) => w.createIncoming(actor, p),
    }),
    collabMethod<OutgoingInput, WebhookSecret>(svc, {
      name: "webhooks.create_outgoing",
      summary: "Make an outgoing webhook: call a URL when a message matches (admins)",
      description:
        'Calls carry Mattermost\'s fields (token, channel_id, user_name, text, trigger_word, …). An answer {"text": …, "response_type"?: "post"|"comment"} is posted back, in the thread for comment. Only public channels are heard.',
      tags: ["webhooks"],
      params: [
        idParam("workspace_id", "Workspace id"),
        { ...name, required: true },
        { ...outgoing[0], required: true },
        ...outgoing.slice(1),
      ],
      result: secretResult,
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: OPEN_WORLD,
      handler: (p, actor) => w.createOutgoing(actor, p),
    }),
    collabMethod<{ workspace_id: string }, WebhookView[]>(svc, {
      name: "webhooks.list",
      summary: "Webhooks of a workspace (all for admins, one's own for others)",
      tags: ["webhooks"],
      params: [idParam("workspace_id", "Workspace id")],
      result: { name: "webhooks", schema: { type: "array", items: ref("Webhook") } },
      annotations: READ,
      handler: ({ workspace_id }, actor) => w.list(actor, workspace_id),
    }),
    collabMethod<{ id: string } & Partial<Omit<OutgoingInput, "workspace_id">>, WebhookView>(
      svc,
      {
        name: "webhooks.update",
        summary: "Rename a webhook, or change an outgoing one's URL, channel or triggers",
        tags: ["webhooks"],
        params: [idParam("id", "Webhook id"), name, ...outgoing],
        result: { name: "webhook", schema: ref("Webhook") },
        errors: [ERRORS.notFound, ERRORS.forbidden],
        annotations: IDEMPOTENT,
        handler: ({ id, ...patch }, actor) => w.update(actor, id, patch),
      },
    ),
    collabMethod<{ id: string }, WebhookSecret>(svc, {
      name: "webhooks.regenerate",
      summary: "Give a webhook a new secret (the old one stops working)",
      tags: ["webhooks"],
      params: [idParam("id", "Webhook id")],
      result: secretResult,
      errors: [ERRORS.notFound],
      handler: ({ id }, actor) => w.regenerate(actor, id),
    }),
    collabMethod<{ id: string }, boolean>(svc, {
      name: "webhooks.delete",
      summary: "Delete a webhook",
      tags: ["webhooks"],
      params: [idParam("id", "Webhook id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [ERRORS.notFound],
      annotations: DESTRUCTIVE,
      handler: ({ id }, actor) => w.delete(actor, id),
    }),
    collabMethod<{ id: string; limit?: number }, Delivery[]>(svc, {
      name: "webhooks.deliveries",
      summary: "The recorded calls of an outgoing webhook, newest first",
      tags: ["webhooks"],
      params: [
        idParam("id", "Webhook id"),
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 100 } },
      ],
      result: { name: "deliveries", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id, limit }, actor) => w.deliveries(actor, id, limit),
    }),
  ];
}
