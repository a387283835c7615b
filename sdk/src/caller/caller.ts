/**
 * Who is calling a service, and what they may do. hero_router's gate decides who a TCP caller
 * is and forwards that as a signed assertion (see `caller_assertion.ts`); the owner on a Unix
 * socket is the built-in {@link OWNER_CALLER}. Access is expressed as scopes: `hero:admin` may
 * do everything, `hero:read` may read everything, `hero:<service>:read|write` narrow either to
 * one service. The router's gate and every service decide with the same {@link callerPermits}.
 */

/** The request header that carries hero_router's signed caller assertion. */
export const CALLER_HEADER = "x-hero-caller";

/** What a request needs: reading (pages, lists, read-only methods) or writing (anything else). */
export type Access = "read" | "write";

/** How the caller proved who they are (`none`: they did not). */
export type CredentialKind = "unix" | "bearer" | "cookie" | "none";

/** A caller: the owner, a token, a signed-in user or a client of hero_auth. */
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

/** Every scope: the owner and the admin token. */
export const ADMIN_SCOPE = "hero:admin";
/** Read everything. */
export const READ_SCOPE = "hero:read";

/** The owner on a Unix socket (the socket's 0600 mode is the credential). */
export const OWNER_CALLER: Caller = Object.freeze({
  subject: "owner",
  name: "owner (Unix socket)",
  via: "unix",
  scopes: Object.freeze([ADMIN_SCOPE]),
});

/** A request that proved nothing (forwarded by a proxy that is not hero_router). */
export const ANONYMOUS_CALLER: Caller = Object.freeze({
  subject: "anonymous",
  name: "anonymous",
  via: "none",
  scopes: Object.freeze([]),
});

/** Whether `caller` may do `access` on `service` (undefined = the router itself). */
export function callerPermits(caller: Caller, access: Access, service?: string): boolean {
  const s = caller.scopes;
  if (s.includes(ADMIN_SCOPE)) return true;
  if (service !== undefined && s.includes(`hero:${service}:write`)) return true;
  if (access === "write") return false;
  return s.includes(READ_SCOPE) || (service !== undefined && s.includes(`hero:${service}:read`));
}

/** Whether the caller may write everything (shown as "admin session" in the UIs). */
export function isAdminCaller(caller: Caller): boolean {
  return caller.scopes.includes(ADMIN_SCOPE);
}

/**
 * What hero_auth's `gate.identify` answers for a credential hero_router received (null when it
 * is not valid): the caller's subject, name and scopes (cut to their current roles), and for an
 * access token its audiences and client.
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
