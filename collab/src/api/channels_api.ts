/** The `workspaces.*`, `channels.*`, `dms.*` and `users.*` methods. */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { ChannelInput, ChannelMember, ChannelPatch } from "../domain/channels.ts";
import type { DirectoryUser } from "../identity/directory.ts";
import type { Channel, Workspace } from "../store/records.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, DESTRUCTIVE, IDEMPOTENT, idList, idParam, READ, ref } from "./define.ts";

const name = { type: "string", minLength: 1, maxLength: 80 };
const text = (max: number) => ({ type: "string", maxLength: max });
const groups = {
  name: "groups",
  description: "hero_auth group ids or names (admins only)",
  schema: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 50 },
};
const retention = {
  name: "retention_days",
  description: "Days messages are kept; null: inherit (channel) or forever (workspace)",
  schema: { anyOf: [{ type: "integer", minimum: 1, maximum: 36500 }, { type: "null" }] },
};

/** The workspace, channel, DM and user methods. */
// deno-lint-ignore no-explicit-any
export function channelMethods(svc: CollabService): MethodSpec<any, any>[] {
  const ch = svc.channels;
  return [
    collabMethod<Record<string, never>, Workspace[]>(svc, {
      name: "workspaces.list",
      summary: "List the workspaces the caller may use",
      tags: ["workspaces"],
      params: [],
      result: { name: "workspaces", schema: { type: "array", items: ref("Workspace") } },
      annotations: READ,
      handler: (_p, actor) => ch.workspaces(actor),
    }),
    collabMethod<
      { name: string; slug?: string; description?: string; groups?: string[] },
      Workspace
    >(
      svc,
      {
        name: "workspaces.create",
        summary: "Create a workspace with a #general channel (admins)",
        tags: ["workspaces"],
        params: [
          { name: "name", required: true, schema: name },
          { name: "slug", schema: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,39}$" } },
          { name: "description", schema: text(1000) },
          groups,
        ],
        result: { name: "workspace", schema: ref("Workspace") },
        errors: [ERRORS.forbidden, ERRORS.conflict],
        handler: (p, actor) => ch.createWorkspace(actor, p),
      },
    ),
    collabMethod<
      {
        id: string;
        name?: string;
        description?: string;
        groups?: string[];
        retention_days?: number | null;
      },
      Workspace
    >(svc, {
      name: "workspaces.update",
      summary: "Change a workspace's name, description, access groups or retention (admins)",
      tags: ["workspaces"],
      params: [
        idParam("id", "Workspace id"),
        { name: "name", schema: name },
        { name: "description", schema: text(1000) },
        groups,
        retention,
      ],
      result: { name: "workspace", schema: ref("Workspace") },
      errors: [ERRORS.forbidden, ERRORS.notFound],
      annotations: IDEMPOTENT,
      handler: ({ id, ...patch }, actor) => ch.updateWorkspace(actor, id, patch),
    }),
    collabMethod<{ workspace_id: string; include_archived?: boolean }, Channel[]>(svc, {
      name: "channels.list",
      summary: "List the channels and conversations of a workspace the caller may read",
      tags: ["channels"],
      params: [
        idParam("workspace_id", "Workspace id"),
        { name: "include_archived", schema: { type: "boolean" } },
      ],
      result: { name: "channels", schema: { type: "array", items: ref("Channel") } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: (p, actor) =>
        ch.list(actor, p.workspace_id, { includeArchived: p.include_archived }),
    }),
    collabMethod<{ id: string }, Channel & { member: boolean }>(svc, {
      name: "channels.get",
      summary: "Get a channel",
      tags: ["channels"],
      params: [idParam("id", "Channel id")],
      result: { name: "channel", schema: ref("Channel") },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => {
        const c = svc.access.readable(actor, id);
        return { ...c, member: svc.access.isMember(actor, c) };
      },
    }),
    collabMethod<ChannelInput, Channel>(svc, {
      name: "channels.create",
      summary: "Create a public or private channel; the creator becomes its moderator",
      description:
        "A private channel given to hero_auth groups is open to every member of those groups.",
      tags: ["channels"],
      params: [
        idParam("workspace_id", "Workspace id"),
        { name: "name", required: true, schema: name },
        { name: "kind", schema: { enum: ["public", "private"] } },
        { name: "topic", schema: text(250) },
        { name: "purpose", schema: text(250) },
        groups,
        { name: "post_policy", schema: { enum: ["members", "moderators"] } },
      ],
      result: { name: "channel", schema: ref("Channel") },
      errors: [ERRORS.conflict, ERRORS.forbidden, ERRORS.notFound],
      handler: (p, actor) => ch.create(actor, p),
    }),
    collabMethod<ChannelPatch & { id: string; expect_version?: number }, Channel>(svc, {
      name: "channels.update",
      summary:
        "Change a channel's name, topic, purpose, archived flag, groups, policy, moderation or retention",
      tags: ["channels"],
      params: [
        idParam("id", "Channel id"),
        { name: "name", schema: name },
        { name: "topic", schema: text(250) },
        { name: "purpose", schema: text(250) },
        { name: "archived", schema: { type: "boolean" } },
        groups,
        { name: "post_policy", schema: { enum: ["members", "moderators"] } },
        retention,
        {
          name: "moderation",
          description: "Moderation settings to change (moderators); the others stay",
          schema: ref("Moderation"),
        },
        {
          name: "expect_version",
          description: "Refuse the change if the channel changed since this version",
          schema: { type: "integer", minimum: 1 },
        },
      ],
      result: { name: "channel", schema: ref("Channel") },
      errors: [ERRORS.notFound, ERRORS.forbidden, ERRORS.conflict],
      annotations: IDEMPOTENT,
      handler: ({ id, expect_version, ...patch }, actor) =>
        ch.update(actor, id, patch, expect_version),
    }),
    collabMethod<{ id: string }, Channel>(svc, {
      name: "channels.join",
      summary: "Join a public channel (or a private one given to one of the caller's groups)",
      tags: ["channels"],
      params: [idParam("id", "Channel id")],
      result: { name: "channel", schema: ref("Channel") },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id }, actor) => ch.join(actor, id),
    }),
    collabMethod<{ id: string }, boolean>(svc, {
      name: "channels.leave",
      summary: "Leave a channel; false if the caller was not listed",
      tags: ["channels"],
      params: [idParam("id", "Channel id")],
      result: { name: "left", schema: { type: "boolean" } },
      errors: [ERRORS.notFound],
      annotations: IDEMPOTENT,
      handler: ({ id }, actor) => ch.leave(actor, id),
    }),
    collabMethod<{ id: string; user_ids: string[] }, ChannelMember[]>(svc, {
      name: "channels.invite",
      summary: "Add people to a channel",
      tags: ["channels"],
      params: [idParam("id", "Channel id"), idList("user_ids", "User ids", 500)],
      result: { name: "members", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id, user_ids }, actor) => ch.invite(actor, id, user_ids),
    }),
    collabMethod<{ id: string; user_id: string }, boolean>(svc, {
      name: "channels.kick",
      summary: "Remove someone from a channel (moderators)",
      tags: ["channels", "moderation"],
      params: [idParam("id", "Channel id"), idParam("user_id", "User id")],
      result: { name: "removed", schema: { type: "boolean" } },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: DESTRUCTIVE,
      handler: ({ id, user_id }, actor) => ch.kick(actor, id, user_id),
    }),
    collabMethod<{ id: string; user_id: string; role: "member" | "moderator" }, boolean>(svc, {
      name: "channels.set_role",
      summary: "Make a member a moderator, or a plain member again (moderators)",
      tags: ["channels", "moderation"],
      params: [
        idParam("id", "Channel id"),
        idParam("user_id", "User id"),
        { name: "role", required: true, schema: { enum: ["member", "moderator"] } },
      ],
      result: { name: "ok", schema: { type: "boolean" } },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: ({ id, user_id, role }, actor) => (ch.setRole(actor, id, user_id, role), true),
    }),
    collabMethod<{ id: string }, ChannelMember[]>(svc, {
      name: "channels.members",
      summary: "List a channel's members (listed and through groups)",
      tags: ["channels"],
      params: [idParam("id", "Channel id")],
      result: { name: "members", schema: { type: "array", items: { type: "object" } } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => ch.members(actor, id),
    }),
    collabMethod<{ workspace_id: string; user_ids: string[] }, Channel>(svc, {
      name: "dms.open",
      summary: "Open the direct (or group) conversation with these people",
      tags: ["channels"],
      params: [idParam("workspace_id", "Workspace id"), idList("user_ids", "User ids", 8)],
      result: { name: "channel", schema: ref("Channel") },
      errors: [ERRORS.notFound],
      annotations: IDEMPOTENT,
      handler: ({ workspace_id, user_ids }, actor) => ch.openDm(actor, workspace_id, user_ids),
    }),
    collabMethod<{ query?: string; limit?: number }, DirectoryUser[]>(svc, {
      name: "users.list",
      summary: "List users by username (for mentions and DMs)",
      tags: ["users"],
      params: [
        { name: "query", schema: text(100) },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      result: { name: "users", schema: { type: "array", items: ref("User") } },
      annotations: READ,
      handler: (p) => svc.store.directory.users(p.query ?? "", p.limit ?? 100),
    }),
    collabMethod<Record<string, never>, DirectoryUser & { admin: boolean; groups: string[] }>(svc, {
      name: "users.me",
      summary: "Who the caller is to hero_collab",
      tags: ["users"],
      params: [],
      result: { name: "user", schema: ref("User") },
      annotations: READ,
      handler: (_p, actor) => ({
        ...svc.store.directory.mustUser(actor.userId),
        admin: actor.admin,
        groups: actor.groupIds,
      }),
    }),
  ];
}
