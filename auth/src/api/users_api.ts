/** The `users.*` methods: accounts, passwords, second factors and setup links. */
import type { MethodSpec } from "@hero/sdk";
import type { AuthParts } from "../service_parts.ts";
import type { User, UserInput } from "../store/users.ts";
import type { PasskeyInfo } from "../accounts/passkeys.ts";
import { passwordProblem } from "../accounts/password.ts";
import { authError } from "../errors.ts";
import {
  authMethod,
  CONFLICT,
  DESTRUCTIVE,
  FORBIDDEN,
  idParam,
  NOT_FOUND,
  READ,
} from "./define.ts";
import { ref } from "./schemas.ts";

const profile = [
  { name: "display_name", schema: { type: "string", maxLength: 200 } },
  { name: "email", schema: { type: "string", maxLength: 320 } },
];
const password = {
  name: "password",
  description: "At least 10 characters",
  schema: { type: "string", minLength: 10, maxLength: 256 },
};

/** The user methods over the given parts. */
// deno-lint-ignore no-explicit-any
export function userMethods(p: AuthParts): MethodSpec<any, any>[] {
  const withClaims = (user: User) => ({ ...user, ...p.groups.claimsOf(user.id, user.is_owner) });
  return [
    authMethod<{ query?: string; limit?: number; offset?: number }, User[]>({
      name: "users.list",
      summary: "List users by username",
      tags: ["users"],
      params: [
        {
          name: "query",
          description: "Substring of username, name or email",
          schema: { type: "string", maxLength: 200 },
        },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 1000 } },
        { name: "offset", schema: { type: "integer", minimum: 0 } },
      ],
      result: { name: "users", schema: { type: "array", items: ref("User") } },
      annotations: READ,
      handler: (q) => p.users.list(q),
    }),
    authMethod<{ id: string }, User>({
      name: "users.get",
      summary: "Get a user with their groups and roles",
      tags: ["users"],
      params: [idParam("id", "User id")],
      result: { name: "user", schema: ref("User") },
      errors: [NOT_FOUND],
      annotations: READ,
      handler: ({ id }) => withClaims(p.users.get(id)),
    }),
    authMethod<UserInput & { username: string; password?: string }, User>({
      name: "users.create",
      summary: "Create a user",
      description:
        "Without a password the user signs in after using a setup link (users.setup_link).",
      tags: ["users"],
      params: [
        {
          name: "username",
          required: true,
          schema: { type: "string", minLength: 1, maxLength: 64 },
        },
        ...profile,
        password,
      ],
      result: { name: "user", schema: ref("User") },
      errors: [CONFLICT],
      handler: async ({ password, ...input }, ctx) => {
        const problem = password === undefined ? undefined : passwordProblem(password);
        if (problem) throw authError("INVALID_PARAMS", problem);
        const user = p.users.create(input);
        p.audit.append({
          event: "user.created",
          actor: ctx.caller.subject,
          subject: user.id,
          detail: { username: user.username },
        });
        if (password !== undefined) {
          await p.accounts.setPassword(user.id, password, ctx.caller.subject);
        }
        return p.users.get(user.id);
      },
    }),
    authMethod<UserInput & { id: string }, User>({
      name: "users.update",
      summary: "Change a user's username, profile or disabled flag",
      description: "Disabling a user also ends their sessions and revokes their tokens.",
      tags: ["users"],
      params: [
        idParam("id", "User id"),
        { name: "username", schema: { type: "string", minLength: 1, maxLength: 64 } },
        ...profile,
        { name: "disabled", schema: { type: "boolean" } },
      ],
      result: { name: "user", schema: ref("User") },
      errors: [NOT_FOUND, CONFLICT, FORBIDDEN],
      annotations: { idempotentHint: true },
      handler: ({ id, ...patch }, ctx) => {
        const user = p.users.update(id, patch);
        p.audit.append({
          event: "user.updated",
          actor: ctx.caller.subject,
          subject: id,
          detail: { ...patch },
        });
        if (patch.disabled) endEverything(p, id);
        return user;
      },
    }),
    authMethod<{ id: string }, boolean>({
      name: "users.delete",
      summary: "Delete a user, their memberships, passkeys, sessions and tokens",
      tags: ["users"],
      params: [idParam("id", "User id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [NOT_FOUND, FORBIDDEN],
      annotations: DESTRUCTIVE,
      handler: ({ id }, ctx) => {
        p.users.delete(id);
        endEverything(p, id);
        p.audit.append({ event: "user.deleted", actor: ctx.caller.subject, subject: id });
        return true;
      },
    }),
    authMethod<{ id: string; password: string }, boolean>({
      name: "users.set_password",
      summary: "Set a user's password",
      tags: ["users"],
      params: [idParam("id", "User id"), { ...password, required: true }],
      result: { name: "ok", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: { idempotentHint: true },
      handler: async ({ id, password }, ctx) => {
        await p.accounts.setPassword(id, password, ctx.caller.subject);
        return true;
      },
    }),
    authMethod<{ id: string }, User>({
      name: "users.reset_totp",
      summary: "Turn off a user's authenticator-app codes (they can enrol again with a setup link)",
      tags: ["users"],
      params: [idParam("id", "User id")],
      result: { name: "user", schema: ref("User") },
      errors: [NOT_FOUND],
      annotations: { idempotentHint: true },
      handler: ({ id }, ctx) => p.accounts.resetTotp(id, ctx.caller.subject),
    }),
    authMethod<{ id: string; ttl_hours?: number }, { url: string; expires_at: string }>({
      name: "users.setup_link",
      summary: "Create a one-time link where the user sets a password, TOTP and a passkey",
      tags: ["users"],
      params: [
        idParam("id", "User id"),
        { name: "ttl_hours", schema: { type: "integer", minimum: 1, maximum: 168 } },
      ],
      result: {
        name: "link",
        schema: {
          type: "object",
          required: ["url", "expires_at"],
          properties: { url: { type: "string" }, expires_at: { type: "string" } },
        },
      },
      errors: [NOT_FOUND],
      handler: ({ id, ttl_hours = 24 }, ctx) => {
        const token = p.accounts.createSetupToken(id, ctx.caller.subject, ttl_hours * 3600_000);
        return {
          url: `${p.issuer.replace(/\/$/, "")}/setup/${token}`,
          expires_at: new Date(Date.now() + ttl_hours * 3600_000).toISOString(),
        };
      },
    }),
    authMethod<{ id: string }, PasskeyInfo[]>({
      name: "users.passkeys",
      summary: "List a user's passkeys",
      tags: ["users"],
      params: [idParam("id", "User id")],
      result: { name: "passkeys", schema: { type: "array", items: { type: "object" } } },
      errors: [NOT_FOUND],
      annotations: READ,
      handler: ({ id }) => {
        p.users.mustRow(id);
        return p.passkeys.list(id);
      },
    }),
    authMethod<{ id: string; passkey_id: string }, boolean>({
      name: "users.remove_passkey",
      summary: "Remove one of a user's passkeys",
      tags: ["users"],
      params: [idParam("id", "User id"), idParam("passkey_id", "Passkey (credential) id")],
      result: { name: "removed", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: DESTRUCTIVE,
      handler: ({ id, passkey_id }, ctx) => {
        p.users.mustRow(id);
        const removed = p.passkeys.remove(passkey_id);
        if (removed) {
          p.audit.append({ event: "user.passkey_removed", actor: ctx.caller.subject, subject: id });
        }
        return removed;
      },
    }),
  ];
}

/** Ends a user's sessions and revokes every grant issued to them. */
export function endEverything(p: AuthParts, userId: string): void {
  for (const s of p.models.list("Session", userId)) p.models.destroy("Session", s.id);
  for (const g of p.models.list("Grant", userId)) p.models.revokeGrant(g.id);
}
