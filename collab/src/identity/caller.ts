/**
 * The one adapter between "who is calling" as the platform reports it and hero_collab's own
 * permission checks. The SDK resolves every caller: `ctx.caller` for RPC calls (hero_router's
 * verified assertion, or the owner on the Unix socket), `info.caller` for requests to the web
 * socket; the live WebSocket and the WebDAV export (raw Node listeners) resolve theirs with the
 * same verifier ({@link requestCaller}). Only this file changes when that plumbing does.
 */
import {
  ANONYMOUS_CALLER,
  type CallContext,
  type Caller,
  type ConnectionInfo,
  OWNER_CALLER,
} from "@hero/sdk";
import { type CallerVerifier, resolveCaller } from "@hero/sdk/internal";

export { ANONYMOUS_CALLER, type Caller, OWNER_CALLER };

/** The caller of a method call. */
export function callerOf(ctx: CallContext): Caller {
  return ctx.caller ?? OWNER_CALLER;
}

/**
 * The caller of a request that reached a raw listener (WebSocket upgrade, WebDAV): the one a
 * valid assertion names, the owner on a direct Unix-socket connection, else undefined (a forged
 * or expired assertion, or a proxy that vouches for nobody).
 */
export async function requestCaller(
  request: Request,
  info: ConnectionInfo,
  verifier: CallerVerifier,
): Promise<Caller | undefined> {
  const caller = await resolveCaller(request, info, verifier);
  return "refused" in caller || caller.subject === ANONYMOUS_CALLER.subject ? undefined : caller;
}

/** A caller for a hero_auth user (what hero_router asserts for a signed-in user). */
export function userCaller(
  user: { id: string; username?: string; groups?: readonly string[] },
  scopes: readonly string[] = [],
): Caller {
  return Object.freeze({
    subject: `user:${user.id}`,
    name: user.username ?? user.id,
    via: "cookie" as const,
    scopes: Object.freeze([...scopes]),
    groups: Object.freeze([...(user.groups ?? [])]),
  });
}

/** The hero_auth user id of a caller, or undefined for the owner, tokens and clients. */
export function userIdOf(caller: Caller): string | undefined {
  return caller.subject.startsWith("user:") ? caller.subject.slice(5) : undefined;
}
