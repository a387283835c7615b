/**
 * Who uses the web client: the caller the SDK resolved for the request (`info.caller`) — the
 * user, token or client hero_router's gate admitted and vouches for in its signed assertion,
 * or the owner on the Unix socket. Signing in is the router's (through hero_auth); hero_collab
 * keeps no session of its own. Writes authenticated by a browser cookie also need the
 * `X-Hero-CSRF: 1` header the client sends (the router checks the origin too).
 */
import type { Caller, ConnectionInfo } from "@hero/sdk";
import { ANONYMOUS_CALLER } from "../identity/caller.ts";

/** The caller of a web request, or undefined when nobody vouches for it. */
export function webCaller(info: ConnectionInfo | undefined): Caller | undefined {
  const caller = info?.caller;
  return caller && caller.subject !== ANONYMOUS_CALLER.subject ? caller : undefined;
}

/** Whether a write carries the CSRF header when its credential was a browser cookie. */
export function csrfOk(request: Request, caller: Caller): boolean {
  const m = request.method;
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") return true;
  return caller.via !== "cookie" || request.headers.get("x-hero-csrf") === "1";
}
