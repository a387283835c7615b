/**
 * Hosts the OIDC provider on hero_auth's web socket: one Node request listener that sends the
 * sign-in, setup and asset routes to a Hono app and everything else to oidc-provider. The
 * provider is rebuilt when the signing keys rotate; requests in flight finish on the old one.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type ProviderType from "oidc-provider";
import { themeAsset } from "../../../ui/theme/theme_assets.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { Passkeys } from "../accounts/passkeys.ts";
import type { AuditLog } from "../store/audit_log.ts";
import type { GroupStore } from "../store/groups.ts";
import type { OidcModelStore } from "../store/oidc_adapter.ts";
import type { SigningKeys } from "../store/signing_keys.ts";
import type { UserStore } from "../store/users.ts";
import { mountInteractions, type NodeEnv } from "../web/interactions.ts";
import { AUTH_CSS } from "../web/pages.ts";
import { mountSetup } from "../web/setup.ts";
import type { GroupCommit } from "../store/group_commit.ts";
import { jwtTokenEndpoints } from "./jwt_token_endpoints.ts";
import { providerConfig, type ProviderDeps } from "./provider_config.ts";
import { getRequestListener, Hono, Provider } from "../vendor/vendor.ts";

/** What the host needs. */
export interface OidcHostDeps {
  issuer: string;
  accounts: Accounts;
  passkeys: Passkeys;
  users: UserStore;
  groups: GroupStore;
  models: OidcModelStore;
  keys: SigningKeys;
  /** Groups the token endpoint's writes into one commit per event-loop turn. */
  commit: GroupCommit;
  audit: AuditLog;
  cookieKeys: string[];
  ttl?: ProviderDeps["ttl"];
  /** Reports provider errors (to the service's logger). */
  onError?: (message: string, detail: Record<string, unknown>) => void;
}

const PASSKEY_JS = readFileSync(new URL("../web/passkey.js", import.meta.url));
const OWN_ROUTES = /^\/(interaction|setup|assets)(\/|$)/;

/** The provider and the pages around it. */
export class OidcHost {
  readonly #d: OidcHostDeps;
  readonly #prefix: string;
  #provider!: ProviderType;
  #providerListener!: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #pagesListener: (req: IncomingMessage, res: ServerResponse) => void;

  /** Builds the provider from the current keys. */
  constructor(d: OidcHostDeps) {
    this.#d = d;
    this.#prefix = new URL(d.issuer).pathname.replace(/\/$/, "");
    this.#build();
    const app = new Hono<NodeEnv>();
    // No page answers before what it wrote is committed (see GroupCommit).
    app.use("*", async (_c, next) => {
      await next();
      await d.commit.settled();
    });
    app.get("/assets/hero.css", () => themeAsset("hero.css")!);
    app.get(
      "/assets/auth.css",
      () => new Response(AUTH_CSS, { headers: { "content-type": "text/css; charset=utf-8" } }),
    );
    app.get(
      "/assets/passkey.js",
      () =>
        new Response(PASSKEY_JS, { headers: { "content-type": "text/javascript; charset=utf-8" } }),
    );
    const deps = { ...d, prefix: this.#prefix, provider: () => this.#provider };
    mountInteractions(app, deps);
    mountSetup(app, deps);
    app.onError((err) => {
      const expired = (err as { name?: string }).name === "SessionNotFound";
      if (!expired) d.onError?.(`sign-in page failed: ${err.message}`, {});
      return new Response(
        expired
          ? "This sign-in attempt expired or belongs to another browser: start again from the application."
          : `Internal error: ${err.message}`,
        { status: expired ? 400 : 500, headers: { "content-type": "text/plain; charset=utf-8" } },
      );
    });
    this.#pagesListener = getRequestListener(app.fetch);
  }

  /** The current provider instance. */
  get provider(): ProviderType {
    return this.#provider;
  }

  /** The issuer's path, where the web socket is reached through hero_router. */
  get prefix(): string {
    return this.#prefix;
  }

  /** The Node listener for the web socket. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    // The router strips the `/<service>/<socket>` prefix; oidc-provider builds its URLs from
    // `originalUrl`, as when mounted under that path.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = this.#prefix + req.url;
    const path = req.url ?? "/";
    if (OWN_ROUTES.test(path)) this.#pagesListener(req, res);
    else this.#providerListener(req, res);
  };

  /** Rotates the signing keys and rebuilds the provider; returns the new key ids. */
  rotateKeys(): string[] {
    const kids = this.#d.keys.rotate();
    this.#build();
    return kids;
  }

  #build(): void {
    const d = this.#d;
    const provider = new Provider(
      d.issuer,
      providerConfig({
        issuer: d.issuer,
        accounts: d.accounts,
        models: d.models,
        jwks: d.keys.jwks(),
        cookieKeys: d.cookieKeys,
        ttl: d.ttl,
      }),
    );
    provider.proxy = true;
    // Koa answers once every middleware is done: after the group's commit.
    provider.use(async (_ctx, next) => {
      await next();
      await d.commit.settled();
    });
    provider.use(jwtTokenEndpoints(d.models));
    const audit = d.audit;
    const commit = d.commit;
    provider.on("grant.success", (ctx) => {
      const c = ctx as unknown as {
        oidc: { params?: { grant_type?: string }; client?: { clientId: string } };
      };
      commit.run(() =>
        audit.append({
          event: "token.granted",
          subject: c.oidc.client?.clientId ?? "",
          detail: { grant_type: c.oidc.params?.grant_type },
        })
      );
    });
    provider.on("grant.error", (ctx, err) => {
      const c = ctx as unknown as {
        oidc: { params?: { grant_type?: string }; client?: { clientId: string } };
      };
      commit.run(() =>
        audit.append({
          event: "token.refused",
          subject: c.oidc.client?.clientId ?? "",
          ok: false,
          detail: { grant_type: c.oidc.params?.grant_type, error: (err as Error).message },
        })
      );
    });
    // JWT access tokens leave no record in the provider: keep one, so they can be revoked.
    for (const event of ["access_token.issued", "client_credentials.issued"]) {
      (provider as unknown as { on(e: string, fn: (t: never) => void): void })
        .on(event, (token) => commit.run(() => d.models.recordIssued(token)));
    }
    provider.on("grant.revoked", (_ctx, grantId) => {
      audit.append({ event: "grant.revoked", subject: grantId });
    });
    provider.on("end_session.success", (ctx) => {
      const c = ctx as unknown as { oidc: { session?: { accountId?: string } } };
      audit.append({ event: "logout", subject: c.oidc.session?.accountId ?? "" });
    });
    provider.on("server_error", (_ctx, err) => {
      d.onError?.(`oidc-provider: ${(err as Error).message}`, { stack: (err as Error).stack });
    });
    provider.on("backchannel.error", (_ctx, err, client) => {
      d.onError?.(`back-channel logout to ${client.clientId} failed: ${err.message}`, {});
    });
    this.#provider = provider;
    this.#providerListener = provider.callback() as (
      req: IncomingMessage,
      res: ServerResponse,
    ) => void;
  }
}
