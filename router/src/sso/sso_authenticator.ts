/**
 * hero_auth's credentials as an {@link Authenticator} of the gate: an access token (a JWT
 * hero_auth signed for this router: its audience must cover the URL asked for, RFC 8707) or the
 * router's own sign-in cookie, whose hero_auth session must still be live. hero_auth answers
 * for both on every request, with scopes cut to the user's current roles, so signing out,
 * revoking a session or token, disabling a user or removing a role takes effect at once.
 */
import { bearerToken, cookieValue, type WithHeaders } from "../../../ui/session/admin_session.ts";
import type { Identity } from "../gate/identity.ts";
import type { Authenticator, HeadersAndUrl } from "../gate/token_authenticator.ts";
import type { AuthIdentity } from "@hero/sdk";
import type { HeroAuthLink } from "./hero_auth_link.ts";
import { SSO_COOKIE } from "../gate/router_cookies.ts";
import type { SsoLogin } from "./sso_login.ts";
import { requestUrl } from "../net/request_url.ts";

/** Accepts hero_auth access tokens and router sign-in sessions. */
export function ssoAuthenticator(link: HeroAuthLink, login: SsoLogin): Authenticator {
  const byToken = async (token: string, url: string) => {
    const found = await link.identify({ token });
    return found && audienceCovers(found.aud ?? [], url) ? identityOf(found, "bearer") : undefined;
  };
  const bySession = async (request: Request) => {
    const session = await login.session(request);
    if (!session?.sid) return undefined;
    const found = await link.identify({ session: { sub: session.sub, sid: session.sid } });
    return found ? identityOf(found, "cookie") : undefined;
  };
  // Requests without a hero_auth credential (the tokens, the owner's tools) pass at once.
  const fromHeaders = (request: HeadersAndUrl, toRequest: () => Request) => {
    const bearer = bearerToken(request);
    if (bearer !== undefined) {
      // Not a JWT: the admin or read-only token, for the next authenticator.
      return isJwt(bearer) ? byToken(bearer, requestUrl(request).href) : undefined;
    }
    return hasCookie(request, SSO_COOKIE) ? bySession(toRequest()) : undefined;
  };
  return Object.assign((request: Request) => fromHeaders(request, () => request), {
    fromHeaders,
  });
}

/** Whether `token` has the three dot-separated parts of a JWT (the tokens have none). */
function isJwt(token: string): boolean {
  const a = token.indexOf(".");
  const b = a < 0 ? -1 : token.indexOf(".", a + 1);
  return b >= 0 && token.indexOf(".", b + 1) < 0;
}

function hasCookie(request: WithHeaders, name: string): boolean {
  return cookieValue(request, name) !== undefined;
}

/**
 * Whether one of a token's audiences (resource indicators) covers `url`: same origin, and the
 * resource's path is the URL's path or a parent of it (`/mcp` covers `/mcp/notes`).
 */
export function audienceCovers(audiences: readonly string[], url: string): boolean {
  const asked = new URL(url);
  return audiences.some((aud) => {
    let resource: URL;
    try {
      resource = new URL(aud);
    } catch {
      return false;
    }
    if (resource.origin !== asked.origin || resource.search || resource.hash) return false;
    const base = resource.pathname.replace(/\/$/, "");
    return base === "" || asked.pathname === base || asked.pathname.startsWith(`${base}/`);
  });
}

function identityOf(found: AuthIdentity, via: "bearer" | "cookie"): Identity {
  return Object.freeze({
    subject: found.subject,
    name: found.name,
    via,
    scopes: Object.freeze([...found.scopes]),
    groups: Object.freeze([...found.groups]),
  });
}
