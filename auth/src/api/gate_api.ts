/**
 * `gate.identify`: who a credential that hero_router's gate received belongs to, asked on every
 * request so that a logout, a revoked session or token, a disabled user or a changed role takes
 * effect at once. Two kinds of credential: an access token (a JWT hero_auth signed, still on
 * record, with its audience for the router to check) and the router's own sign-in session,
 * bound to a live hero_auth session by the `sid` of its ID token.
 */
import type { AuthIdentity, MethodSpec } from "@hero/sdk";
import type { AuthParts } from "../service_parts.ts";
import { effectiveTokenScopes, heroScopesForRoles } from "../oidc/scopes.ts";
import { authMethod, READ } from "./define.ts";
import { introspect } from "./sessions_api.ts";

/** The identity the gate gets back (null: the credential is not valid any more). */
export type GateIdentity = AuthIdentity;

interface IdentifyParams {
  token?: string;
  session?: { sub: string; sid: string };
}

const IDENTITY_SCHEMA = {
  type: ["object", "null"],
  properties: {
    subject: { type: "string" },
    name: { type: "string" },
    scopes: { type: "array", items: { type: "string" } },
    groups: { type: "array", items: { type: "string" } },
    roles: { type: "array", items: { type: "string" } },
    aud: { type: "array", items: { type: "string" } },
    client_id: { type: "string" },
  },
};

/** The gate method over the given parts. */
// deno-lint-ignore no-explicit-any
export function gateMethods(p: AuthParts): MethodSpec<any, any>[] {
  return [
    authMethod<IdentifyParams, GateIdentity | null>({
      name: "gate.identify",
      summary: "Who an access token or a router sign-in session belongs to, or null",
      description: "Asked by hero_router's gate on every request it receives with such a " +
        "credential. Scopes are cut down to what the user's current roles allow.",
      tags: ["gate"],
      params: [
        {
          name: "token",
          description: "An access token (JWT) from an Authorization: Bearer header",
          schema: { type: "string", minLength: 1, maxLength: 8192 },
        },
        {
          name: "session",
          description: "The router session's user id and the sid of its ID token",
          schema: {
            type: "object",
            required: ["sub", "sid"],
            additionalProperties: false,
            properties: {
              sub: { type: "string", minLength: 1, maxLength: 200 },
              sid: { type: "string", minLength: 1, maxLength: 200 },
            },
          },
        },
      ],
      result: { name: "identity", schema: IDENTITY_SCHEMA },
      annotations: READ,
      handler: async ({ token, session }) => {
        if (token !== undefined) return await tokenIdentity(p, token);
        if (session !== undefined) return sessionIdentity(p, session.sub, session.sid);
        return null;
      },
    }),
  ];
}

async function tokenIdentity(p: AuthParts, token: string): Promise<GateIdentity | null> {
  const found = await introspect(p, token);
  if (!found.active) return null;
  const aud = found.aud === undefined ? [] : [found.aud].flat().map(String);
  const granted = String(found.scope ?? "").split(" ").filter(Boolean);
  const clientId = String(found.client_id ?? "");
  if (typeof found.sub === "string") {
    const claims = p.accounts.claims(found.sub)!;
    return {
      subject: `user:${found.sub}`,
      name: claims.preferred_username,
      scopes: effectiveTokenScopes(granted, claims.roles),
      groups: claims.groups,
      roles: claims.roles,
      aud,
      client_id: clientId,
    };
  }
  const client = p.models.find("Client", clientId) as { client_name?: string } | undefined;
  return {
    subject: `client:${clientId}`,
    name: client?.client_name ?? clientId,
    scopes: effectiveTokenScopes(granted, undefined),
    groups: [],
    roles: [],
    aud,
    client_id: clientId,
  };
}

function sessionIdentity(p: AuthParts, sub: string, sid: string): GateIdentity | null {
  const live = p.models.list("Session", sub).some((s) => {
    const auth = (s.payload as { authorizations?: Record<string, { sid?: string }> })
      .authorizations;
    return Object.values(auth ?? {}).some((a) => a.sid === sid);
  });
  if (!live) return null;
  const claims = p.accounts.claims(sub);
  if (!claims) return null;
  return {
    subject: `user:${sub}`,
    name: claims.preferred_username,
    scopes: heroScopesForRoles(claims.roles),
    groups: claims.groups,
    roles: claims.roles,
  };
}
