/**
 * The one authorization gate of the router's web surface (admin.sock and every TCP listener),
 * as the first middleware of the Hono app. A Unix-socket client is the owner. A TCP request
 * must come from a whitelisted peer with an acceptable Host/Origin, then prove who it is
 * (bearer header or session cookie, through the configured authenticators); a cookie session
 * also needs, on writes, the `X-Hero-CSRF` header or a browser's `Sec-Fetch-Site: same-origin`,
 * and a same-origin `Origin` on WebSocket upgrades. Without a credential a browser is sent to
 * hero_auth's sign-in (or, without hero_auth, gets the token login page) and anything else 401
 * with `WWW-Authenticate` naming the protected-resource metadata. What each identity may then
 * do is decided per route (see `access.ts`).
 */
import type { ConnectionInfo } from "@hero/sdk";
import type { MiddlewareHandler } from "hono";
import { bearerToken, cookieValue, SESSION_COOKIE } from "../../../ui/session/admin_session.ts";
import type { NetworkCheck } from "../net/tcp_guard.ts";
import { type Identity, OWNER } from "./identity.ts";
import { bearerChallenge } from "./resource_metadata.ts";
import { renderLoginPage } from "./login_page.ts";
import { SSO_COOKIE } from "./router_cookies.ts";
import {
  type Authenticator,
  type HeadersAndUrl,
  type SessionTokens,
  tokenIdentity,
} from "./token_authenticator.ts";
import { originMatchesHost, sessionRedirect } from "./login_routes.ts";
import { requestUrl } from "../net/request_url.ts";

/** The Hono environment of the router's web app. */
export interface WebEnv {
  Bindings: { info: ConnectionInfo };
  Variables: { identity: Identity | undefined };
}

/** What the gate needs. */
export interface GateOptions {
  /** The whitelist and Host/Origin check (TCP only). */
  network: NetworkCheck;
  /** Asked in order; the first identity wins. */
  authenticators: Authenticator[];
  /** The tokens a `?token=` link may carry. */
  tokens: SessionTokens;
  /** Paths answered without a credential (the login page and what it loads). */
  isPublic: (method: string, path: string) => boolean;
  /** hero_auth's sign-in, when the router has it. */
  signIn?: GateSignIn;
}

/** A sign-in service the gate can send callers to (hero_auth). */
export interface GateSignIn {
  /** A redirect to sign in for a browser, or undefined when the service is not there. */
  redirect(request: Request): Promise<Response | undefined>;
  /** Whether an authorization server is announced (401s then carry `resource_metadata`). */
  announced(): Promise<boolean>;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the gate reads of a request: a `Request`, or the TCP front's parsed head. */
export interface GateRequest extends HeadersAndUrl {
  readonly method: string;
}

/** Who is calling (undefined on a public path), or the answer that ends the request here. */
export type GateVerdict = { identity: Identity | undefined } | Response;

/**
 * The gate as one function, shared by the app's first middleware and the TCP front's fast
 * path: `path` is the request's path, `toRequest` gives a `Request` to the authenticators that
 * need more than headers. Synchronous unless an authenticator answers with a promise.
 */
export type GateCheck = (
  request: GateRequest,
  path: string,
  info: ConnectionInfo,
  toRequest: () => Request,
) => GateVerdict | Promise<GateVerdict>;

/** Builds the gate's check. */
export function gateCheck(opts: GateOptions): GateCheck {
  const authenticators = opts.authenticators;
  const identify = (
    request: GateRequest,
    toRequest: () => Request,
    from: number,
  ): Identity | undefined | Promise<Identity | undefined> => {
    for (let i = from; i < authenticators.length; i++) {
      const a = authenticators[i];
      const found = a.fromHeaders ? a.fromHeaders(request, toRequest) : a(toRequest());
      // Most authenticators answer at once: no extra turn of the event loop for them.
      if (found instanceof Promise) {
        return found.then((id) => id ?? identify(request, toRequest, i + 1));
      }
      if (found) return found;
    }
    return undefined;
  };
  const decide = (
    request: GateRequest,
    path: string,
    toRequest: () => Request,
    identity?: Identity,
  ): GateVerdict | Promise<GateVerdict> => {
    // Public routes (the login form) check the form's origin themselves.
    if (opts.isPublic(request.method, path)) return { identity };
    if (!identity) return challenge(request, path, toRequest, opts.signIn);
    const crossSite = crossSiteProblem(request, identity);
    if (crossSite) return refuse(403, `Forbidden: ${crossSite}`);
    return { identity };
  };
  return (request, path, info, toRequest) => {
    if (info.transport === "unix") return { identity: OWNER };
    const network = opts.network(request, info);
    if (network) return refuse(403, `Forbidden: ${network}`);
    const link = tokenLink(request, opts.tokens);
    if (link) return link;
    const found = identify(request, toRequest, 0);
    return found instanceof Promise
      ? found.then((identity) => decide(request, path, toRequest, identity))
      : decide(request, path, toRequest, found);
  };
}

/** Builds the gate middleware. */
export function gate(opts: GateOptions): MiddlewareHandler<WebEnv> {
  const check = gateCheck(opts);
  return async (c, next) => {
    const request = c.req.raw;
    const found = check(request, c.req.path, c.env.info, () => request);
    const verdict = found instanceof Promise ? await found : found;
    if (verdict instanceof Response) return verdict;
    c.set("identity", verdict.identity);
    return await next();
  };
}

/** Why a cookie-authenticated request could have been sent by a foreign page, or undefined. */
function crossSiteProblem(request: GateRequest, identity: Identity): string | undefined {
  if (identity.via !== "cookie") return undefined;
  if (request.headers.get("upgrade")) {
    return originMatchesHost(request)
      ? undefined
      : `Origin ${request.headers.get("origin")} does not match host ${
        request.headers.get("host")
      }`;
  }
  if (SAFE_METHODS.has(request.method) || request.headers.get("x-hero-csrf") === "1") {
    return undefined;
  }
  // Fetch Metadata: browsers mark every request with where it came from, and a page cannot
  // forge it; a plain HTML form of a Hero page posts as same-origin.
  if (request.headers.get("sec-fetch-site") === "same-origin" && originMatchesHost(request)) {
    return undefined;
  }
  return "this request needs the X-Hero-CSRF header or to come from a Hero page " +
    "(cross-site requests are refused)";
}

/**
 * `?token=` on a page link (what `npm start` prints): a right token becomes the session cookie
 * and the same URL without it; a wrong one gets the login page. Undefined when there is none.
 */
function tokenLink(request: GateRequest, tokens: SessionTokens): Response | undefined {
  if (request.method !== "GET" || !request.url.includes("token=")) return undefined;
  const url = new URL(request.url);
  const given = url.searchParams.get("token");
  if (given === null) return undefined;
  if (!tokenIdentity(tokens, given, "cookie")) {
    // Someone signed in may be using a service whose own links carry `token=`.
    if (bearerToken(request) || cookieValue(request, SESSION_COOKIE)) return undefined;
    return loginPage(url.pathname, "That token is not valid. Paste the admin or read-only token.");
  }
  url.searchParams.delete("token");
  return sessionRedirect(given, url.pathname + url.search);
}

/** The answer to a request without a usable credential. */
async function challenge(
  request: GateRequest,
  path: string,
  toRequest: () => Request,
  signIn?: GateSignIn,
): Promise<Response> {
  const presented = bearerToken(request) !== undefined ||
    cookieValue(request, SESSION_COOKIE) !== undefined ||
    cookieValue(request, SSO_COOKIE) !== undefined;
  const browser = request.method === "GET" &&
    (request.headers.get("accept") ?? "").includes("text/html");
  if (browser) {
    const redirect = await signIn?.redirect(toRequest());
    if (redirect) return redirect;
    const url = new URL(request.url);
    return loginPage(
      url.pathname + url.search,
      presented ? "Your session is no longer valid. Sign in again." : undefined,
    );
  }
  return refuse(
    401,
    presented
      ? `Unauthorized: the credential for ${path} is not valid`
      : `Unauthorized: ${path} needs a credential (Authorization: Bearer <token>)`,
    {
      "www-authenticate": bearerChallenge({
        origin: requestUrl(request).origin,
        path,
        withMetadata: (await signIn?.announced()) ?? false,
        invalidToken: presented,
      }),
    },
  );
}

function loginPage(next: string, message?: string): Response {
  return new Response(renderLoginPage({ next, message }), {
    status: 401,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "www-authenticate": 'Bearer realm="hero"',
    },
  });
}

/** A JSON refusal. */
export function refuse(status: number, error: string, headers: HeadersInit = {}): Response {
  return Response.json({ error }, { status, headers });
}
