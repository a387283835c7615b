/**
 * Signing browsers in to the router through hero_auth: the router is the OIDC client
 * `hero_router` (code + PKCE, the SDK's `webLogin`) whose session cookie records the user and
 * the `sid` of their hero_auth session; the gate asks hero_auth on every request whether that
 * session is still live. Everything happens on the issuer's origin (where the cookies live), so
 * a browser that arrives on another address of the router is first sent there. The router talks
 * to the issuer in-process through its own proxy, never over the network.
 */
import type { ConnectionInfo } from "@hero/sdk";
import { type WebLogin, webLogin, type WebSession } from "@hero/sdk/auth";
import { safeNext } from "../gate/login_routes.ts";
import { SSO_COOKIE, SSO_FLOW_COOKIE } from "../gate/router_cookies.ts";
import type { ReverseProxy } from "../proxy/reverse_proxy.ts";
import type { HeroAuthLink } from "./hero_auth_link.ts";
import { requestUrl } from "../net/request_url.ts";

/** The client id hero_auth registers for the router. */
export const ROUTER_CLIENT_ID = "hero_router";

const OWNER_INFO: ConnectionInfo = { transport: "unix" };

/** Options of {@link SsoLogin}. */
export interface SsoLoginOptions {
  link: HeroAuthLink;
  proxy: ReverseProxy;
  /** Encrypts the session cookie (at least 32 characters; kept across restarts). */
  cookieSecret: string;
}

/** The router's sign-in through hero_auth. */
export class SsoLogin {
  readonly #opts: SsoLoginOptions;
  #current?: { issuer: string; web: WebLogin };

  /** Creates the sign-in; nothing is asked of hero_auth until it is used. */
  constructor(opts: SsoLoginOptions) {
    this.#opts = opts;
  }

  /** The issuer while hero_auth is up. */
  issuer(): Promise<string | undefined> {
    return this.#opts.link.issuer();
  }

  /** The session a request's cookie carries (not yet checked with hero_auth). */
  async session(request: Request): Promise<WebSession | undefined> {
    if (!request.headers.get("cookie")?.includes(`${SSO_COOKIE}=`)) return undefined;
    const web = await this.#web();
    return await web?.session(request);
  }

  /**
   * Where a browser without a session goes: hero_auth's sign-in, then back to the page it
   * asked for. Undefined without hero_auth (the router's token form remains).
   */
  async challenge(request: Request): Promise<Response | undefined> {
    const issuer = await this.issuer();
    if (!issuer) return undefined;
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    const to = new URL("/auth/login", new URL(issuer).origin);
    to.searchParams.set("return_to", back);
    return new Response(null, {
      status: 303,
      headers: { location: to.href, "cache-control": "no-store" },
    });
  }

  /** `GET /auth/login?return_to=/path`: off to hero_auth (on the issuer's origin). */
  async login(request: Request): Promise<Response> {
    const issuer = await this.issuer();
    if (!issuer) return unavailable();
    const url = requestUrl(request);
    const returnTo = safeNext(url.searchParams.get("return_to"));
    if (url.origin !== new URL(issuer).origin) return await this.challenge(request) as Response;
    return await (await this.#web())!.login(returnTo);
  }

  /** `GET /auth/callback`: the code comes back; the session cookie is set. */
  async callback(request: Request): Promise<Response> {
    const web = await this.#web();
    if (!web) return unavailable();
    return (await web.handle(request)) ?? unavailable();
  }

  /** Ends the hero_auth session too (RP-initiated logout), then back to the dashboard. */
  async logout(request: Request): Promise<Response | undefined> {
    const web = await this.#web();
    if (!web || !(await web.session(request))) return undefined;
    return await web.logout(request);
  }

  async #web(): Promise<WebLogin | undefined> {
    const issuer = await this.issuer();
    if (!issuer) return undefined;
    if (this.#current?.issuer !== issuer) {
      const origin = new URL(issuer).origin;
      this.#current = {
        issuer,
        web: webLogin({
          issuer,
          clientId: ROUTER_CLIENT_ID,
          baseUrl: `${origin}/`,
          cookieSecret: this.#opts.cookieSecret,
          scope: "openid profile email groups",
          allowHttp: origin.startsWith("http:"),
          cookieNames: { session: SSO_COOKIE, flow: SSO_FLOW_COOKIE },
          postLogoutRedirectUri: `${origin}/`,
          fetch: (url, init) => this.issuerFetch(url, init),
        }),
      };
    }
    return this.#current.web;
  }

  /** Requests to the issuer go through the router's own proxy to hero_auth's socket. */
  async issuerFetch(url: string, init: RequestInit): Promise<Response> {
    const request = new Request(url, init);
    request.headers.set("host", new URL(url).host);
    const target = this.#opts.proxy.target(request);
    if (!target || "error" in target || target.service !== this.#opts.link.service) {
      return await fetch(request);
    }
    return await this.#opts.proxy.forward(request, target, { info: OWNER_INFO });
  }
}

function unavailable(): Response {
  return Response.json(
    { error: "Signing in through hero_auth is not available: hero_auth is not running" },
    { status: 503 },
  );
}
