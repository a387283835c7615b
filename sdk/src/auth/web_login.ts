/**
 * Sign-in for web applications: the authorization-code flow with PKCE (S256) against hero_auth,
 * through `openid-client`, ending in a session cookie (an encrypted JWT, A256GCM, so the server
 * keeps no session state). `handle` serves the login, callback and logout routes; `protect`
 * wraps any `Request -> Response` handler so that visitors without a session are sent to sign
 * in and come back where they were. The session records the `sid` of the provider's session
 * (asked for with the `claims` parameter), so a server can check it is still live.
 */
import { EncryptJWT, jwtDecrypt } from "jose";
import type * as oidc from "openid-client";
import { openidClient } from "./openid_client.ts";

/** Options of {@link webLogin}. */
export interface WebLoginOptions {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The app's public base URL (where the routes below are reached), e.g. `https://app/base`. */
  baseUrl: string;
  /** Secret of at least 32 characters that encrypts the cookies. */
  cookieSecret: string;
  /** Scopes (default `openid profile email groups`). */
  scope?: string;
  /** Session lifetime in seconds (default 8 hours). */
  sessionTtlS?: number;
  /** Allow an `http:` issuer (loopback development and tests). */
  allowHttp?: boolean;
  /** Cookie names (default `hero_session` and `hero_login`). */
  cookieNames?: { session: string; flow: string };
  /** Where the provider sends the browser after signing out (a registered URI). */
  postLogoutRedirectUri?: string;
  /** How to reach the issuer (default the global `fetch`). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** A signed-in user, as kept in the session cookie. */
export interface WebSession {
  sub: string;
  username?: string;
  name?: string;
  email?: string;
  groups: string[];
  roles: string[];
  /** The provider's session id for this client (`sid` claim of the ID token). */
  sid?: string;
  idToken?: string;
}

/** The routes and helpers of a web login. */
export interface WebLogin {
  /** Serves `<base>/auth/login`, `<base>/auth/callback`, `<base>/auth/logout`; else undefined. */
  handle(request: Request): Promise<Response | undefined>;
  /** Starts signing in: a redirect to the provider that comes back to `returnTo` (a path). */
  login(returnTo: string): Promise<Response>;
  /** Ends the session: clears the cookie and sends the browser to the provider's logout. */
  logout(request: Request): Promise<Response>;
  /** The session of a request, or undefined. */
  session(request: Request): Promise<WebSession | undefined>;
  /** Wraps a handler: no session -> redirect to sign in; else the handler gets the session. */
  protect(
    handler: (request: Request, session: WebSession) => Promise<Response>,
  ): (request: Request) => Promise<Response>;
}

const COOKIES = { session: "hero_session", flow: "hero_login" };

/** Creates a web login for one client. */
export function webLogin(opts: WebLoginOptions): WebLogin {
  if (opts.cookieSecret.length < 32) {
    throw new Error("cookieSecret must have at least 32 characters");
  }
  const base = new URL(opts.baseUrl);
  const basePath = base.pathname.replace(/\/$/, "");
  const redirectUri = `${base.origin}${basePath}/auth/callback`;
  const secure = base.protocol === "https:";
  const { session: SESSION, flow: FLOW } = opts.cookieNames ?? COOKIES;
  let key: Promise<Uint8Array> | undefined;
  const cookieKey = () =>
    key ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(opts.cookieSecret))
      .then((d) => new Uint8Array(d));
  let config: Promise<oidc.Configuration> | undefined;
  const discover = () =>
    config ??= openidClient().then((oidc) =>
      oidc.discovery(
        new URL(opts.issuer),
        opts.clientId,
        opts.clientSecret,
        opts.clientSecret ? undefined : oidc.None(),
        {
          ...(opts.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
          ...(opts.fetch ? { [oidc.customFetch]: opts.fetch as unknown as oidc.CustomFetch } : {}),
        },
      )
    ).catch((err) => {
      config = undefined;
      throw err;
    });
  const seal = async (claims: Record<string, unknown>, ttlS: number) =>
    await new EncryptJWT(claims).setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setIssuedAt().setExpirationTime(`${ttlS}s`).encrypt(await cookieKey());
  const open = async (value: string | undefined) => {
    if (!value) return undefined;
    try {
      return (await jwtDecrypt(value, await cookieKey())).payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const cookie = (name: string, value: string, maxAge: number) =>
    `${name}=${value}; Path=${basePath || "/"}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${
      secure ? "; Secure" : ""
    }`;
  const redirect = (location: string, cookies: string[] = []) => {
    const headers = new Headers({ location });
    for (const c of cookies) headers.append("set-cookie", c);
    return new Response(null, { status: 303, headers });
  };

  const login = async (returnTo: string) => {
    const cfg = await discover();
    const oidc = await openidClient();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri,
      scope: opts.scope ?? "openid profile email groups",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      claims: JSON.stringify({ id_token: { sid: { essential: true } } }),
    });
    const flow = await seal({ verifier, state, returnTo }, 600);
    return redirect(url.href, [cookie(FLOW, flow, 600)]);
  };

  const callback = async (request: Request) => {
    const flow = await open(readCookie(request, FLOW));
    if (!flow) return new Response("The sign-in expired: start again", { status: 400 });
    const cfg = await discover();
    const oidc = await openidClient();
    const current = new URL(request.url);
    const callbackUrl = new URL(redirectUri + current.search);
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
        pkceCodeVerifier: String(flow.verifier),
        expectedState: String(flow.state),
      });
    } catch (err) {
      return new Response(`Sign-in failed: ${(err as Error).message}`, { status: 400 });
    }
    const c: Record<string, unknown> = tokens.claims() ?? {};
    const session: WebSession = {
      sub: String(c.sub),
      username: c.preferred_username as string | undefined,
      name: c.name as string | undefined,
      email: c.email as string | undefined,
      groups: (c.groups as string[] | undefined) ?? [],
      roles: (c.roles as string[] | undefined) ?? [],
      ...(typeof c.sid === "string" ? { sid: c.sid } : {}),
      idToken: tokens.id_token,
    };
    const ttl = opts.sessionTtlS ?? 8 * 3600;
    const value = await seal({ ...session }, ttl);
    const back = String(flow.returnTo ?? `${basePath}/`);
    return redirect(back.startsWith("/") && !back.startsWith("//") ? back : `${basePath}/`, [
      cookie(SESSION, value, ttl),
      cookie(FLOW, "", 0),
    ]);
  };

  const self: WebLogin = {
    handle: async (request) => {
      const path = new URL(request.url).pathname;
      if (path === `${basePath}/auth/login`) {
        const to = new URL(request.url).searchParams.get("return_to") ?? `${basePath}/`;
        return await login(to);
      }
      if (path === `${basePath}/auth/callback`) return await callback(request);
      if (path === `${basePath}/auth/logout`) return await self.logout(request);
      return undefined;
    },
    login,
    logout: async (request) => {
      const session = await self.session(request);
      const cfg = await discover();
      const end = (await openidClient()).buildEndSessionUrl(cfg, {
        ...(session?.idToken ? { id_token_hint: session.idToken } : {}),
        ...(opts.postLogoutRedirectUri
          ? { post_logout_redirect_uri: opts.postLogoutRedirectUri }
          : {}),
      });
      return redirect(end.href, [cookie(SESSION, "", 0)]);
    },
    session: async (request) => {
      const claims = await open(readCookie(request, SESSION));
      return claims ? (claims as unknown as WebSession) : undefined;
    },
    protect: (handler) => async (request) => {
      const own = await self.handle(request);
      if (own) return own;
      const session = await self.session(request);
      if (session) return await handler(request, session);
      const url = new URL(request.url);
      return await login(url.pathname + url.search);
    },
  };
  return self;
}

function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
