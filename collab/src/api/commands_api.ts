/**
 * The `commands.*` methods: slash commands mapped to Hero RPC calls — making, changing, listing
 * and deleting them (admins), and running a typed command line in a channel.
 */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { CommandInput, CommandOutcome, CommandView } from "../integrations/slash_commands.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, DESTRUCTIVE, IDEMPOTENT, idParam, OPEN_WORLD, READ } from "./define.ts";

const command = {
  type: "object",
  required: ["name", "service", "method"],
  properties: {
    id: { anyOf: [{ type: "string" }, { type: "null" }] },
    builtin: { type: "boolean" },
    name: { type: "string" },
    description: { type: "string" },
    usage: { type: "string" },
    service: { type: "string" },
    method: { type: "string" },
    params: { type: "object" },
    response: { enum: ["ephemeral", "in_channel"] },
    groups: { type: "array", items: { type: "string" } },
  },
};
const mapping = [
  { name: "description", schema: { type: "string", maxLength: 200 } },
  {
    name: "usage",
    description: "Shown by /help (default: from the placeholders)",
    schema: { type: "string", maxLength: 200 },
  },
  {
    name: "params",
    description:
      "Params template: strings may hold {text}, {1}…{9}, {user}, {username}, {channel}, {channel_name}, {thread}, {workspace}; a string that is one placeholder is typed from the method's schema and left out when empty",
    schema: { type: "object", maxProperties: 50 },
  },
  {
    name: "response",
    description: "ephemeral: only the caller sees the answer; in_channel: it is posted",
    schema: { enum: ["ephemeral", "in_channel"] },
  },
  {
    name: "groups",
    description: "hero_auth groups (ids or names) whose members may run it; none: everyone",
    schema: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 50 },
  },
];
const target = [
  {
    name: "service",
    description: 'A Hero service ("hero_collab" for this one)',
    schema: { type: "string", pattern: "^[a-z0-9_]{1,64}$" },
  },
  { name: "method", schema: { type: "string", minLength: 1, maxLength: 128 } },
];

/** The slash command methods. */
// deno-lint-ignore no-explicit-any
export function commandMethods(svc: CollabService): MethodSpec<any, any>[] {
  const c = svc.commands;
  return [
    collabMethod<CommandInput, CommandView>(svc, {
      name: "commands.create",
      summary: "Map a slash command to a method of a Hero service (admins)",
      description:
        "The method must exist in the service's OpenRPC document and the template must give it its required params. Calls to other services run with the owner's rights and are audited.",
      tags: ["commands"],
      params: [
        idParam("workspace_id", "Workspace id"),
        {
          name: "name",
          required: true,
          description: "Without the slash",
          schema: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]{0,31}$" },
        },
        ...target.map((t) => ({ ...t, required: true })),
        ...mapping,
      ],
      result: { name: "command", schema: command },
      errors: [ERRORS.forbidden, ERRORS.conflict, ERRORS.notFound],
      annotations: OPEN_WORLD,
      handler: (p, actor) => c.create(actor, p),
    }),
    collabMethod<{ id: string } & Partial<CommandInput>, CommandView>(svc, {
      name: "commands.update",
      summary: "Change what a slash command calls or who may run it (admins)",
      tags: ["commands"],
      params: [idParam("id", "Command id"), ...target, ...mapping],
      result: { name: "command", schema: command },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: { ...IDEMPOTENT, ...OPEN_WORLD },
      handler: ({ id, ...patch }, actor) => c.update(actor, id, patch),
    }),
    collabMethod<{ id: string }, boolean>(svc, {
      name: "commands.delete",
      summary: "Delete a slash command (admins)",
      tags: ["commands"],
      params: [idParam("id", "Command id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: DESTRUCTIVE,
      handler: ({ id }, actor) => c.delete(actor, id),
    }),
    collabMethod<{ workspace_id: string }, CommandView[]>(svc, {
      name: "commands.list",
      summary: "The slash commands the caller may run, built-ins first",
      tags: ["commands"],
      params: [idParam("workspace_id", "Workspace id")],
      result: { name: "commands", schema: { type: "array", items: command } },
      annotations: READ,
      handler: ({ workspace_id }, actor) => {
        svc.channels.workspace(actor, workspace_id);
        return c.list(actor, workspace_id);
      },
    }),
    collabMethod<{ channel_id: string; text: string; thread_id?: string }, CommandOutcome>(svc, {
      name: "commands.run",
      summary: "Run a slash command line (/name args) in a channel",
      description:
        "Ephemeral answers come back here (and to the caller's open clients as a command.response event); in_channel answers are posted.",
      tags: ["commands"],
      params: [
        idParam("channel_id", "Channel id"),
        {
          name: "text",
          required: true,
          description: "The line as typed, e.g. /deploy api 42",
          schema: { type: "string", minLength: 2, maxLength: 4000 },
        },
        idParam("thread_id", "Run it in this thread", false),
      ],
      result: {
        name: "outcome",
        schema: {
          type: "object",
          required: ["command", "ok", "response_type", "text"],
          properties: {
            command: { type: "string" },
            ok: { type: "boolean" },
            response_type: { enum: ["ephemeral", "in_channel"] },
            text: { type: "string" },
            html: { type: "string" },
            message_id: { type: "string" },
          },
        },
      },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: OPEN_WORLD,
      handler: (p, actor, ctx) => c.run(actor, p, ctx),
    }),
  ];
}
