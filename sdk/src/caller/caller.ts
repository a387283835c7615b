/**
 * Who is calling a service, and what they may do. hero_router's gate decides who a TCP caller
 * is and forwards that as a signed assertion (see `caller_assertion.ts`); the owner on a Unix
 * socket is the built-in {@link OWNER_CALLER}. Access is expressed as scopes: `hero:admin` may
 * do everything, `hero:read` may read everything, `hero:<service>:read|write` narrow either to
 * one service. The router's gate and every service decide with the same {@link callerPermits}.
 */

/** The request header that carries hero_router's signed caller assertion. */
export const CALLER_HEADER = "x-hero-caller";

/**
 * What a request needs: reading (pages, lists, read-only methods) or writing (anything else).
 *
 * @example
 * ```ts
 * import { type Access, callerPermits, OWNER_CALLER } from "@hero/sdk";
 * const access: Access = "write";
 * callerPermits(OWNER_CALLER, access, "notes"); // true
 * ```
 */
export type Access = "read" | "write";

/**
 * How the caller proved who they are (`none`: they did not).
 *
 * @example
 * ```ts
 * import type { CredentialKind } from "@hero/sdk";
 * const needsCsrfCheck = (via: CredentialKind) => via === "cookie";
 * ```
 */
export type CredentialKind = "unix" | "bearer" | "cookie" | "none";

/**
 * A caller: the owner, a token, a signed-in user or a client of hero_auth.
 *
 * @example
 * ```ts
 * import type { Caller } from "@hero/sdk";
 * const reader: Caller = { subject: "token:ci", name: "ci", via: "bearer", scopes: ["hero:notes:read"] };
 * ```
 */
export interface Caller {
  /** Stable id: `owner`, `token:<name>`, `user:<id>`, `client:<id>`, `anonymous`. */
  readonly subject: string;
  /** Shown in the UI and in logs. */
  readonly name: string;
  /** How the credential arrived (cookies need the CSRF header on writes). */
  readonly via: CredentialKind;
  /** Granted scopes (see the module header). */
  readonly scopes: readonly string[];
  /** hero_auth groups of a signed-in user. */
  readonly groups?: readonly string[];
}

/**
 * Every scope: the owner and the admin token.
 *
 * @example
 * ```ts
 * import { ADMIN_SCOPE, type Caller } from "@hero/sdk";
 * const ops: Caller = { subject: "token:ops", name: "ops", via: "bearer", scopes: [ADMIN_SCOPE] };
 * ```
 */
export const ADMIN_SCOPE = "hero:admin";
/**
 * Read everything.
 *
 * @example
 * ```ts
 * import { callerPermits, READ_SCOPE } from "@hero/sdk";
 * const auditor = { subject: "token:audit", name: "audit", via: "bearer" as const, scopes: [READ_SCOPE] };
 * callerPermits(auditor, "read", "notes"); // true
 * callerPermits(auditor, "write", "notes"); // false
 * ```
 */
export const READ_SCOPE = "hero:read";

/**
 * The owner on a Unix socket (the socket's 0600 mode is the credential).
 *
 * @example
 * ```ts
 * import { isAdminCaller, OWNER_CALLER } from "@hero/sdk";
 * isAdminCaller(OWNER_CALLER); // true: the socket's 0600 mode is the credential
 * ```
 */
export const OWNER_CALLER: Caller = Object.freeze({
  subject: "owner",
  name: "owner (Unix socket)",
  via: "unix",
  scopes: Object.freeze([ADMIN_SCOPE]),
});

/**
 * A request that proved nothing (forwarded by a proxy that is not hero_router).
 *
 * @example
 * ```ts
 * import { ANONYMOUS_CALLER, callerPermits } from "@hero/sdk";
 * callerPermits(ANONYMOUS_CALLER, "read", "notes"); // false
 * ```
 */
export const ANONYMOUS_CALLER: Caller = Object.freeze({
  subject: "anonymous",
  name: "anonymous",
  via: "none",
  scopes: Object.freeze([]),
});

/**
 * Whether `caller` may do `access` on `service` (undefined = the router itself).
 *
 * @example
 * ```ts
 * import { callerPermits, defineMethod, RpcError, RpcErrorCode } from "@hero/sdk";
 * defineMethod({
 *   name: "notes.purge",
 *   params: [],
 *   result: { name: "done", schema: { type: "boolean" } },
 *   handler: (_params, ctx) => {
 *     if (!callerPermits(ctx.caller, "write", "notes")) {
 *       throw new RpcError(RpcErrorCode.Forbidden, "Cannot purge notes: read-only caller");
 *     }
 *     return true;
 *   },
 * });
 * ```
 */
export function callerPermits(caller: Caller, access: Access, service?: string): boolean {
  const s = caller.scopes;
  if (s.includes(ADMIN_SCOPE)) return true;
  if (service !== undefined && s.includes(`hero:${service}:write`)) return true;
  if (access === "write") return false;
  return s.includes(READ_SCOPE) || (service !== undefined && s.includes(`hero:${service}:read`));
}

/**
 * Whether the caller may write everything (shown as "admin session" in the UIs).
 *
 * @example
 * ```ts
 * import { type FetchHandler, isAdminCaller } from "@hero/sdk";
 * const admin: FetchHandler = (_request, info) =>
 *   Promise.resolve(new Response(info.caller && isAdminCaller(info.caller) ? "admin" : "read-only"));
 * ```
 */
export function isAdminCaller(caller: Caller): boolean {
  return caller.scopes.includes(ADMIN_SCOPE);
}

/**
 * What hero_auth's `gate.identify` answers for a credential hero_router received (null when it
 * is not valid): the caller's subject, name and scopes (cut to their current roles), and for an
 * access token its audiences and client.
 *
 * @example
 * ```ts
 * import type { AuthIdentity } from "@hero/sdk";
 * const identity: AuthIdentity = {
 *   subject: "user:42",
 *   name: "ada",
 *   scopes: ["hero:read"],
 *   groups: ["staff"],
 *   roles: ["reader"],
 * };
 * ```
 */
export interface AuthIdentity {
  /** `user:<id>` or `client:<client_id>`. */
  subject: string;
  /** The username or the client's name. */
  name: string;
  /** Hero scopes (`hero:admin`, `hero:read`, `hero:<service>:read|write`). */
  scopes: string[];
  /** The groups the subject belongs to. */
  groups: string[];
  /** The roles the subject holds. */
  roles: string[];
  /** A token's audiences (resource indicators); absent for sessions. */
  aud?: string[];
  /** The client a token was issued to. */
  client_id?: string;
}
