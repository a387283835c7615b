/**
 * Administration: `groups.*` (hero_auth groups and their members, changed through hero_auth's
 * API), channel moderation (`channels.mute`, `channels.unmute`, `channels.mutes`), retention
 * (`retention.run`) and the audit log (`audit.list`).
 */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { AuditEntry } from "../domain/audit_log.ts";
import type { GroupView } from "../domain/groups_admin.ts";
import type { Mute } from "../domain/moderation.ts";
import type { RetentionReport } from "../domain/retention.ts";
import { CollabWireCode, ERRORS } from "../errors.ts";
import { collabMethod, DESTRUCTIVE, IDEMPOTENT, idList, idParam, READ } from "./define.ts";

const unavailable = { code: CollabWireCode.Unavailable, message: "hero_auth is not reachable" };
const group = {
  type: "object",
  required: ["id", "name", "members"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    members: { type: "array", items: { type: "string" }, description: "User ids" },
  },
};
const members = (description: string) => ({ ...idList("user_ids", description, 500) });

/** The administration methods. */
// deno-lint-ignore no-explicit-any
export function adminMethods(svc: CollabService): MethodSpec<any, any>[] {
  const g = svc.groups;
  const mod = svc.moderation;
  const membership = (verb: "add" | "remove", what: string, annotations: object) =>
    collabMethod<{ id: string; user_ids: string[] }, GroupView>(svc, {
      name: `groups.${verb}_members`,
      summary: `${what} a hero_auth group (admins; not groups that give roles)`,
      tags: ["groups", "admin"],
      params: [idParam("id", "Group id"), members(`Users to ${verb}`)],
      result: { name: "group", schema: group },
      errors: [ERRORS.forbidden, ERRORS.notFound, unavailable],
      annotations,
      handler: ({ id, user_ids }, actor) =>
        verb === "add" ? g.addMembers(actor, id, user_ids) : g.removeMembers(actor, id, user_ids),
    });
  return [
    collabMethod<Record<string, never>, GroupView[]>(svc, {
      name: "groups.list",
      summary: "hero_auth groups with their members (for @group mentions and access)",
      tags: ["groups"],
      params: [],
      result: { name: "groups", schema: { type: "array", items: group } },
      annotations: READ,
      handler: () => g.list(),
    }),
    collabMethod<{ name: string; description?: string; user_ids?: string[] }, GroupView>(svc, {
      name: "groups.create",
      summary: "Create a hero_auth group with its first members (admins)",
      description:
        "The group lives in hero_auth (without roles); give it private channels with channels.create/update groups.",
      tags: ["groups", "admin"],
      params: [
        {
          name: "name",
          required: true,
          schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
        },
        { name: "description", schema: { type: "string", maxLength: 1000 } },
        { ...members("First members"), required: false },
      ],
      result: { name: "group", schema: group },
      errors: [ERRORS.forbidden, ERRORS.conflict, unavailable],
      handler: (p, actor) =>
        g.create(actor, { name: p.name, description: p.description, members: p.user_ids }),
    }),
    membership("add", "Add people to", IDEMPOTENT),
    membership("remove", "Take people out of", { ...IDEMPOTENT, ...DESTRUCTIVE }),
    collabMethod<{ id: string }, boolean>(svc, {
      name: "groups.delete",
      summary: "Delete a hero_auth group; its channels and workspaces lose it (admins)",
      tags: ["groups", "admin"],
      params: [idParam("id", "Group id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [ERRORS.forbidden, ERRORS.notFound, unavailable],
      annotations: DESTRUCTIVE,
      handler: ({ id }, actor) => g.delete(actor, id),
    }),
    collabMethod<{ id: string; user_id: string; minutes?: number }, Mute>(svc, {
      name: "channels.mute",
      summary: "Mute a member: they read but cannot post, react or upload (moderators)",
      tags: ["channels", "moderation"],
      params: [
        idParam("id", "Channel id"),
        idParam("user_id", "User id"),
        {
          name: "minutes",
          description: "For how long (none: until unmuted)",
          schema: { type: "integer", minimum: 1, maximum: 525600 },
        },
      ],
      result: { name: "mute", schema: { type: "object" } },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: IDEMPOTENT,
      handler: ({ id, user_id, minutes }, actor) => mod.mute(actor, id, user_id, minutes),
    }),
    collabMethod<{ id: string; user_id: string }, boolean>(svc, {
      name: "channels.unmute",
      summary: "Lift a member's mute (moderators)",
      tags: ["channels", "moderation"],
      params: [idParam("id", "Channel id"), idParam("user_id", "User id")],
      result: { name: "unmuted", schema: { type: "boolean" } },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: IDEMPOTENT,
      handler: ({ id, user_id }, actor) => mod.unmute(actor, id, user_id),
    }),
    collabMethod<{ id: string }, Mute[]>(svc, {
      name: "channels.mutes",
      summary: "Members muted in a channel now (moderators)",
      tags: ["channels", "moderation"],
      params: [idParam("id", "Channel id")],
      result: { name: "mutes", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => mod.mutes(actor, id),
    }),
    collabMethod<{ dry_run?: boolean }, RetentionReport>(svc, {
      name: "retention.run",
      summary: "Delete what is past its retention now, or count it with dry_run (admins)",
      description:
        "Retention is set per workspace and channel (retention_days); it also runs every hour.",
      tags: ["admin"],
      params: [{ name: "dry_run", schema: { type: "boolean" } }],
      result: { name: "report", schema: { type: "object" } },
      errors: [ERRORS.forbidden],
      annotations: DESTRUCTIVE,
      handler: ({ dry_run }, actor) => {
        svc.access.mustBeAdmin(actor, "run retention");
        return svc.retention.run({ dryRun: dry_run });
      },
    }),
    collabMethod<
      { actor?: string; action?: string; target?: string; before?: number; limit?: number },
      AuditEntry[]
    >(svc, {
      name: "audit.list",
      summary: "The audit log of admin and moderation actions, newest first (admins)",
      tags: ["admin"],
      params: [
        { name: "actor", description: "user:<id>, owner, system", schema: { type: "string" } },
        {
          name: "action",
          description: "An action or its prefix (channel., group., webhook., command.)",
          schema: { type: "string", maxLength: 64 },
        },
        idParam("target", "What was acted on", false),
        { name: "before", description: "Entries before this seq", schema: { type: "integer" } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      result: { name: "entries", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.forbidden],
      annotations: READ,
      handler: (q, actor) => {
        svc.access.mustBeAdmin(actor, "read the audit log");
        return svc.store.audit.query(q);
      },
    }),
  ];
}
