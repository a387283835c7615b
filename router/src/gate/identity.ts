/**
 * Who a request comes from, as the authorization gate decided, and what they may do. Access is
 * expressed as scopes so that hero_auth's users, groups and OAuth scopes map onto the same
 * check as today's tokens: `hero:admin` may do everything, `hero:read` may read everything, and
 * `hero:<service>:read` / `hero:<service>:write` narrow either to one service.
 */

/** What a request needs: reading (pages, lists, read-only methods) or writing (anything else). */
export type Access = "read" | "write";

/** How the caller proved who they are. */
export type CredentialKind = "unix" | "bearer" | "cookie";

/** A caller the gate let in. */
export interface Identity {
  /** Stable id: `owner`, `token:<name>`, later `user:<id>` from hero_auth. */
  readonly subject: string;
  /** Shown in the UI and in logs. */
  readonly name: string;
  /** How the credential arrived (cookies need the CSRF header on writes). */
  readonly via: CredentialKind;
  /** Granted scopes (see the module header). */
  readonly scopes: readonly string[];
}

/** Every scope: the owner and the admin token. */
export const ADMIN_SCOPE = "hero:admin";
/** Read everything. */
export const READ_SCOPE = "hero:read";

/** The owner on a Unix socket (the socket's 0600 mode is the credential). */
export const OWNER: Identity = Object.freeze({
  subject: "owner",
  name: "owner (Unix socket)",
  via: "unix",
  scopes: Object.freeze([ADMIN_SCOPE]),
});

/** Whether `identity` may do `access` on `service` (undefined = the router itself). */
export function permits(identity: Identity, access: Access, service?: string): boolean {
  const s = identity.scopes;
  if (s.includes(ADMIN_SCOPE)) return true;
  if (service !== undefined && s.includes(`hero:${service}:write`)) return true;
  if (access === "write") return false;
  return s.includes(READ_SCOPE) || (service !== undefined && s.includes(`hero:${service}:read`));
}

/** Whether the identity may write anything at all (shown as "admin session" in the UIs). */
export function isAdmin(identity: Identity): boolean {
  return identity.scopes.includes(ADMIN_SCOPE);
}
