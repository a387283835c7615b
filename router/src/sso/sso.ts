/**
 * Single sign-on in the router, assembled: the line to hero_auth, the browser sign-in, the
 * authenticator for the gate, and the metadata documents OAuth clients (the MCP client among
 * them) discover the router and hero_auth by. All of it is inert while hero_auth is absent.
 */
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import type { GateSignIn } from "../gate/gate.ts";
import type { Authenticator } from "../gate/token_authenticator.ts";
import type { ReverseProxy } from "../proxy/reverse_proxy.ts";
import { HeroAuthLink } from "./hero_auth_link.ts";
import { PRM_PATH, protectedResourceMetadata } from "../gate/resource_metadata.ts";
import { ssoAuthenticator } from "./sso_authenticator.ts";
import { SsoLogin } from "./sso_login.ts";
import { requestUrl } from "../net/request_url.ts";

/** What single sign-on needs from the router. */
export interface SsoOptions {
  registry: ServiceRegistryView;
  proxy: ReverseProxy;
  /** Encrypts the router's sign-in cookie (kept across restarts). */
  cookieSecret: string;
  /** The service name of hero_auth (default `hero_auth`). */
  service?: string;
}

/** Single sign-on through hero_auth. */
export class Sso implements GateSignIn {
  readonly link: HeroAuthLink;
  readonly login: SsoLogin;
  readonly authenticator: Authenticator;
  readonly #registry: ServiceRegistryView;

  /** Wires the parts; nothing is asked of hero_auth until a request needs it. */
  constructor(opts: SsoOptions) {
    this.#registry = opts.registry;
    this.link = new HeroAuthLink(opts.registry, opts.service);
    this.login = new SsoLogin({
      link: this.link,
      proxy: opts.proxy,
      cookieSecret: opts.cookieSecret,
    });
    this.authenticator = ssoAuthenticator(this.link, this.login);
  }

  /** The issuer's path on this router (`/hero_auth/web_oidc`), as last learnt from hero_auth. */
  issuerPath(): string | undefined {
    const issuer = this.link.issuerNow();
    return issuer ? new URL(issuer).pathname.replace(/\/$/, "") : undefined;
  }

  /** A redirect to hero_auth's sign-in for a browser, while hero_auth is up. */
  redirect(request: Request): Promise<Response | undefined> {
    return this.login.challenge(request);
  }

  /** Whether hero_auth is up (401s then name the protected-resource metadata). */
  async announced(): Promise<boolean> {
    return (await this.link.issuer()) !== undefined;
  }

  /** `GET /.well-known/oauth-protected-resource[/mcp[/<service>]]` (RFC 9728). */
  async protectedResource(request: Request): Promise<Response> {
    const issuer = await this.link.issuer();
    const url = requestUrl(request);
    if (!issuer) return notFound("no authorization server: hero_auth is not running");
    const doc = protectedResourceMetadata({
      origin: url.origin,
      path: url.pathname,
      issuer,
      services: this.#registry.list().filter((r) => r.openrpc).map((r) => r.entry.name),
    });
    return doc ? Response.json(doc, { headers: CORS }) : notFound(url.pathname);
  }

  /**
   * `GET /.well-known/oauth-authorization-server<issuer path>` and the same under
   * `openid-configuration` (RFC 8414 §3.1 places them at the root): hero_auth's discovery.
   */
  async authorizationServer(request: Request): Promise<Response> {
    const issuer = await this.link.issuer();
    const path = new URL(request.url).pathname;
    const suffix = path.replace(
      /^\/\.well-known\/(oauth-authorization-server|openid-configuration)/,
      "",
    );
    if (!issuer || suffix !== new URL(issuer).pathname.replace(/\/$/, "")) return notFound(path);
    const res = await this.login.issuerFetch(`${issuer}/.well-known/openid-configuration`, {});
    return new Response(res.body, {
      status: res.status,
      headers: { "content-type": "application/json", ...CORS },
    });
  }

  /** Stops following hero_auth. */
  close(): void {
    this.link.close();
  }
}

/** Metadata is public and read by browser-based clients too. */
const CORS = { "access-control-allow-origin": "*" };

/** The path prefix of protected-resource metadata. */
export { PRM_PATH };

function notFound(what: string): Response {
  return Response.json({ error: `Not found: ${what}` }, { status: 404 });
}
