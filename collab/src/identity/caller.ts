/**
 * The one adapter between "who is calling" as the platform reports it and hero_collab's own
 * permission checks. A caller is the SDK's shape (subject, name, scopes, hero_auth groups): from
 * `ctx.caller` when the SDK provides it (hero_router's verified assertion), else from the
 * connection that carried the call (the live WebSocket runs its calls inside
 * {@link runAsCaller}), else the owner on the Unix socket, the built-in admin. Only this file
 * changes when the platform's identity plumbing does.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CallContext } from "@hero/sdk";

/** A caller as the platform describes it. */
export interface Caller {
  /** `owner`, `user:<id>`, `token:<name>`, `client:<id>`. */
  readonly subject: string;
  /** Shown in logs and the audit trail. */
  readonly name: string;
  /** `hero:admin`, `hero:read`, `hero:<service>:read|write`. */
  readonly scopes: readonly string[];
  /** hero_auth group names of a signed-in user. */
  readonly groups?: readonly string[];
}

/** Every scope. */
export const ADMIN_SCOPE = "hero:admin";

/** The owner on a Unix socket: the socket's 0600 mode is the credential. */
export const OWNER_CALLER: Caller = Object.freeze({
  subject: "owner",
  name: "owner (Unix socket)",
  scopes: Object.freeze([ADMIN_SCOPE]),
});

const current = new AsyncLocalStorage<Caller>();

/** Runs `fn` (and everything it awaits) as `caller`. */
export function runAsCaller<T>(caller: Caller, fn: () => T): T {
  return current.run(caller, fn);
}

/** The caller of a method call. */
export function callerOf(ctx: CallContext): Caller {
  const fromSdk = (ctx as CallContext & { caller?: Caller }).caller;
  return fromSdk ?? current.getStore() ?? OWNER_CALLER;
}

/** The caller the platform attached to a request's connection info, if any. */
export function callerOfConnection(info: unknown): Caller | undefined {
  return (info as { caller?: Caller } | undefined)?.caller;
}

/** A caller for a hero_auth user signed in to hero_collab's web client. */
export function userCaller(
  user: { id: string; username?: string; groups?: readonly string[] },
  scopes: readonly string[] = [],
): Caller {
  return Object.freeze({
    subject: `user:${user.id}`,
    name: user.username ?? user.id,
    scopes: Object.freeze([...scopes]),
    groups: Object.freeze([...(user.groups ?? [])]),
  });
}

/** The hero_auth user id of a caller, or undefined for the owner, tokens and clients. */
export function userIdOf(caller: Caller): string | undefined {
  return caller.subject.startsWith("user:") ? caller.subject.slice(5) : undefined;
}
