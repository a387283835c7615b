/**
 * The cookies that belong to the router itself: the gate reads them, and the proxy and
 * federation strip them so a service or a peer router never sees, or could replay, them.
 */
import { SESSION_COOKIE } from "../../../ui/session/admin_session.ts";

/** The router's session cookie (hero_auth sign-in). */
export const SSO_COOKIE = "hero_sso";
/** The cookie that carries a sign-in in progress (PKCE verifier, state, where to return). */
export const SSO_FLOW_COOKIE = "hero_sso_flow";
/** Every cookie of the router's own: the admin session and the two of hero_auth sign-in. */
export const ROUTER_COOKIES: readonly string[] = [SESSION_COOKIE, SSO_COOKIE, SSO_FLOW_COOKIE];
