/**
 * The `sessions.*`, `audit.*`, `keys.*` and `tokens.*` methods: who is signed in (and ending
 * that), the audit log, signing-key rotation and token introspection for resource servers.
 */
import type { MethodSpec } from "@hero/sdk";
import type { AuthParts } from "../service_parts.ts";
import type { AuditQuery, AuditRecord } from "../store/audit_log.ts";
import type { KeyInfo } from "../store/signing_keys.ts";
import { authMethod, DESTRUCTIVE, idParam, NOT_FOUND, READ } from "./define.ts";
import { ref } from "./schemas.ts";
import { authError } from "../errors.ts";

/** A signed-in browser session. */
export interface SessionInfo {
  id: string;
  user_id: string;
  username: string;
  clients: string[];
  login_at: string;
  expires_at: string;
  amr: string[];
}

/** The session, audit, key and token methods over the given parts. */
// deno-lint-ignore no-explicit-any
export function sessionMethods(p: AuthParts): MethodSpec<any, any>[] {
  const sessions = (userId?: string): SessionInfo[] =>
    p.models.list("Session", userId).map((s) => {
      const pl = s.payload as {
        accountId: string;
        loginTs?: number;
        amr?: string[];
        authorizations?: Record<string, unknown>;
      };
      return {
        id: s.id,
        user_id: pl.accountId,
        username: p.users.row(pl.accountId)?.username ?? "",
        clients: Object.keys(pl.authorizations ?? {}),
        login_at: new Date((pl.loginTs ?? 0) * 1000).toISOString(),
        expires_at: new Date((s.expires_at ?? 0) * 1000).toISOString(),
        amr: pl.amr ?? [],
      };
    }).sort((a, b) => b.login_at.localeCompare(a.login_at));
  return [
    authMethod<{ user_id?: string }, SessionInfo[]>({
      name: "sessions.list",
      summary: "List signed-in sessions, newest first",
      tags: ["sessions"],
      params: [{ name: "user_id", schema: { type: "string", maxLength: 200 } }],
      result: { name: "sessions", schema: { type: "array", items: ref("Session") } },
      annotations: READ,
      handler: ({ user_id }) => sessions(user_id),
    }),
    authMethod<{ id: string }, boolean>({
      name: "sessions.revoke",
      summary: "End a session and revoke the tokens issued under it",
      description: "Relying parties with a back-channel logout URI are told at once.",
      tags: ["sessions"],
      params: [idParam("id", "Session id")],
      result: { name: "revoked", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: DESTRUCTIVE,
      handler: async ({ id }, ctx) => {
        const s = p.models.find("Session", id) as
          | {
            accountId: string;
            authorizations?: Record<string, { grantId?: string; sid?: string }>;
          }
          | undefined;
        if (!s) throw authError("NOT_FOUND", `Session ${id} not found`, { id });
        p.models.destroy("Session", id);
        for (const [clientId, a] of Object.entries(s.authorizations ?? {})) {
          if (a.grantId) p.models.revokeGrant(a.grantId);
          const client = await p.host.provider.Client.find(clientId) as unknown as
            | {
              backchannelLogoutUri?: string;
              backchannelLogout(sub: string, sid: string): Promise<void>;
            }
            | undefined;
          if (client?.backchannelLogoutUri && a.sid) {
            await client.backchannelLogout(s.accountId, a.sid).catch((err: Error) => {
              p.audit.append({
                event: "logout.backchannel_failed",
                subject: clientId,
                ok: false,
                detail: { error: err.message },
              });
            });
          }
        }
        p.audit.append({
          event: "session.revoked",
          actor: ctx.caller.subject,
          subject: s.accountId,
          detail: { session: id },
        });
        return true;
      },
    }),
    authMethod<AuditQuery, AuditRecord[]>({
      name: "audit.query",
      summary: "Read the append-only audit log, newest first",
      tags: ["audit"],
      params: [
        {
          name: "event",
          description: "An event name, or a prefix ending in '.' (login.)",
          schema: { type: "string", maxLength: 100 },
        },
        { name: "actor", schema: { type: "string", maxLength: 200 } },
        { name: "subject", schema: { type: "string", maxLength: 200 } },
        { name: "ok", schema: { type: "boolean" } },
        {
          name: "after",
          description: "Only records after this sequence number",
          schema: { type: "integer", minimum: 0 },
        },
        {
          name: "before",
          description: "Only records before this sequence number",
          schema: { type: "integer", minimum: 1 },
        },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      result: { name: "records", schema: { type: "array", items: ref("AuditRecord") } },
      annotations: READ,
      handler: (q) => p.audit.query(q),
    }),
    authMethod<Record<string, never>, KeyInfo[]>({
      name: "keys.list",
      summary: "List the signing keys (active and recently retired)",
      tags: ["keys"],
      params: [],
      result: { name: "keys", schema: { type: "array", items: ref("Key") } },
      annotations: READ,
      handler: () => p.keys.list(),
    }),
    authMethod<Record<string, never>, string[]>({
      name: "keys.rotate",
      summary: "Rotate the signing keys; retired keys stay in the JWKS for a day",
      tags: ["keys"],
      params: [],
      result: { name: "kids", schema: { type: "array", items: { type: "string" } } },
      handler: (_params, ctx) => {
        const kids = p.host.rotateKeys();
        p.audit.append({ event: "keys.rotated", actor: ctx.caller.subject, detail: { kids } });
        return kids;
      },
    }),
    authMethod<{ token: string }, Record<string, unknown>>({
      name: "tokens.introspect",
      summary: "Whether an access token is active, with its subject, client, scopes and roles",
      description: "The Unix-socket twin of the introspection endpoint, for hero_router's gate.",
      tags: ["tokens"],
      params: [{
        name: "token",
        required: true,
        schema: { type: "string", minLength: 1, maxLength: 8192 },
      }],
      result: { name: "introspection", schema: { type: "object", required: ["active"] } },
      annotations: READ,
      handler: ({ token }) => introspect(p, token),
    }),
    authMethod<Record<string, never>, Record<string, unknown>>({
      name: "auth.info",
      summary: "The issuer, its discovery URL and counts of users, groups and clients",
      tags: ["info"],
      params: [],
      result: { name: "info", schema: { type: "object" } },
      annotations: READ,
      handler: () => ({
        issuer: p.issuer,
        discovery: `${p.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
        users: p.users.count(),
        groups: p.groups.list().length,
        clients: p.models.list("Client").length,
        owner: p.users.owner()?.username ?? null,
      }),
    }),
  ];
}

/** Looks an access token up (opaque value or JWT) and reports whether it is active. */
export async function introspect(p: AuthParts, token: string): Promise<Record<string, unknown>> {
  const found = await storedToken(p, token);
  if (!found) return { active: false };
  const claims = found.accountId ? p.accounts.claims(found.accountId) : undefined;
  if (found.accountId && !claims) return { active: false };
  return {
    active: true,
    sub: found.accountId,
    client_id: found.clientId,
    scope: found.scope,
    aud: found.aud,
    exp: found.exp,
    groups: claims?.groups ?? [],
    roles: claims?.roles ?? [],
  };
}

interface StoredToken {
  accountId?: string;
  clientId: string;
  scope?: string;
  aud?: string | string[];
  exp?: number;
}

/**
 * The record of a live token, or undefined (unknown, expired, revoked). A JWT's signature is
 * checked first (by the adapter); it is on record under its `jti`, as an AccessToken (a
 * user's) or a ClientCredentials token (a client acting for itself).
 */
async function storedToken(p: AuthParts, token: string): Promise<StoredToken | undefined> {
  const provider = p.host.provider;
  const found = (await provider.AccessToken.find(token).catch(() => undefined)) ??
    (await provider.ClientCredentials.find(token).catch(() => undefined));
  if (!found || found.isExpired) return undefined;
  // A deleted client's tokens end with it.
  if (!found.clientId || !p.models.find("Client", found.clientId)) return undefined;
  return found as unknown as StoredToken;
}
