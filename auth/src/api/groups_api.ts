/**
 * The `groups.*` methods: groups, their roles and memberships. hero_collab manages teams
 * through these.
 */
import type { MethodSpec } from "@hero/sdk";
import type { AuthParts } from "../service_parts.ts";
import type { Group, GroupInput, Member } from "../store/groups.ts";
import { authMethod, CONFLICT, DESTRUCTIVE, idParam, NOT_FOUND, READ } from "./define.ts";
import { ref } from "./schemas.ts";

const name = { name: "name", schema: { type: "string", minLength: 1, maxLength: 64 } };
const description = { name: "description", schema: { type: "string", maxLength: 1000 } };
const roles = { name: "roles", schema: ref("Roles") };

/** The group methods over the given parts. */
// deno-lint-ignore no-explicit-any
export function groupMethods(p: AuthParts): MethodSpec<any, any>[] {
  return [
    authMethod<Record<string, never>, Group[]>({
      name: "groups.list",
      summary: "List groups by name",
      tags: ["groups"],
      params: [],
      result: { name: "groups", schema: { type: "array", items: ref("Group") } },
      annotations: READ,
      handler: () => p.groups.list(),
    }),
    authMethod<{ id: string }, Group & { member_list: Member[] }>({
      name: "groups.get",
      summary: "Get a group with its members",
      tags: ["groups"],
      params: [idParam("id", "Group id")],
      result: { name: "group", schema: ref("Group") },
      errors: [NOT_FOUND],
      annotations: READ,
      handler: ({ id }) => ({ ...p.groups.get(id), member_list: p.groups.members(id) }),
    }),
    authMethod<GroupInput & { name: string }, Group>({
      name: "groups.create",
      summary: "Create a group",
      tags: ["groups"],
      params: [{ ...name, required: true }, description, roles],
      result: { name: "group", schema: ref("Group") },
      errors: [CONFLICT],
      handler: (input, ctx) => {
        const group = p.groups.create(input);
        p.audit.append({
          event: "group.created",
          actor: ctx.caller.subject,
          subject: group.id,
          detail: { ...input },
        });
        return group;
      },
    }),
    authMethod<GroupInput & { id: string }, Group>({
      name: "groups.update",
      summary: "Rename a group or change its description or roles",
      tags: ["groups"],
      params: [idParam("id", "Group id"), name, description, roles],
      result: { name: "group", schema: ref("Group") },
      errors: [NOT_FOUND, CONFLICT],
      annotations: { idempotentHint: true },
      handler: ({ id, ...patch }, ctx) => {
        const group = p.groups.update(id, patch);
        p.audit.append({
          event: "group.updated",
          actor: ctx.caller.subject,
          subject: id,
          detail: { ...patch },
        });
        return group;
      },
    }),
    authMethod<{ id: string }, boolean>({
      name: "groups.delete",
      summary: "Delete a group and its memberships",
      tags: ["groups"],
      params: [idParam("id", "Group id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: DESTRUCTIVE,
      handler: ({ id }, ctx) => {
        p.groups.delete(id);
        p.audit.append({ event: "group.deleted", actor: ctx.caller.subject, subject: id });
        return true;
      },
    }),
    authMethod<{ id: string }, Member[]>({
      name: "groups.members",
      summary: "List the members of a group",
      tags: ["groups"],
      params: [idParam("id", "Group id")],
      result: { name: "members", schema: { type: "array", items: ref("Member") } },
      errors: [NOT_FOUND],
      annotations: READ,
      handler: ({ id }) => p.groups.members(id),
    }),
    authMethod<{ group_id: string; user_id: string }, Member[]>({
      name: "groups.add_member",
      summary: "Add a user to a group (no change if already a member)",
      tags: ["groups"],
      params: [idParam("group_id", "Group id"), idParam("user_id", "User id")],
      result: { name: "members", schema: { type: "array", items: ref("Member") } },
      errors: [NOT_FOUND],
      annotations: { idempotentHint: true },
      handler: ({ group_id, user_id }, ctx) => {
        p.groups.addMember(group_id, user_id);
        p.audit.append({
          event: "group.member_added",
          actor: ctx.caller.subject,
          subject: group_id,
          detail: { user_id },
        });
        return p.groups.members(group_id);
      },
    }),
    authMethod<{ group_id: string; user_id: string }, boolean>({
      name: "groups.remove_member",
      summary: "Remove a user from a group; false if they were not a member",
      tags: ["groups"],
      params: [idParam("group_id", "Group id"), idParam("user_id", "User id")],
      result: { name: "removed", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: DESTRUCTIVE,
      handler: ({ group_id, user_id }, ctx) => {
        const removed = p.groups.removeMember(group_id, user_id);
        if (removed) {
          p.audit.append({
            event: "group.member_removed",
            actor: ctx.caller.subject,
            subject: group_id,
            detail: { user_id },
          });
        }
        return removed;
      },
    }),
  ];
}
