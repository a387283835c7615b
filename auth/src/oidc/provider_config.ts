/**
 * The oidc-provider configuration of hero_auth: which flows are on (code + PKCE S256 only,
 * refresh rotation, device code, client credentials, introspection, revocation, RP-initiated
 * and back-channel logout, dynamic registration, resource indicators for audience-bound
 * tokens), token lifetimes, claims, and the pages the provider renders itself.
 */
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";
import { errors } from "../vendor/vendor.ts";
import { escapeHtml } from "../../../ui/theme/page_shell.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { OidcModelStore } from "../store/oidc_adapter.ts";
import type { PrivateJwk } from "../store/signing_keys.ts";
import { renderCard } from "../web/pages.ts";
import { grantWithinRoles, isHeroScope, isServiceScope } from "./scopes.ts";

/** What the configuration needs from the rest of hero_auth. */
export interface ProviderDeps {
  issuer: string;
  accounts: Accounts;
  models: OidcModelStore;
  jwks: PrivateJwk[];
  cookieKeys: string[];
  /** Lifetimes in seconds (overrides of the defaults, for tests). */
  ttl?: Partial<Record<"AccessToken" | "RefreshToken" | "Session", number>>;
}

/** Scopes whose claims come from the account. */
export const OIDC_SCOPES = ["openid", "offline_access", "profile", "email", "groups"];

/** Scopes of hero_router (and its MCP endpoint) as a resource server. */
export const RESOURCE_SCOPES = ["hero:read", "hero:admin"];

/** Per-service scopes (`hero:<service>:read|write`) named by the request or the grant it uses. */
function serviceScopesAsked(ctx: KoaContextWithOIDC): string[] {
  const oidc = ctx.oidc as unknown as {
    params?: { scope?: unknown };
    entities?: Record<string, { scope?: string } | undefined>;
  };
  const named = [
    oidc.params?.scope,
    oidc.entities?.AuthorizationCode?.scope,
    oidc.entities?.RefreshToken?.scope,
    oidc.entities?.DeviceCode?.scope,
  ].filter((s): s is string => typeof s === "string").join(" ");
  return [...new Set(named.split(" ").filter((s) => isHeroScope(s) && s.split(":").length === 3))];
}

/**
 * What dynamic registration (open to anyone who can reach the issuer, as MCP clients expect)
 * may not do: act without a user (client credentials, whose scopes no role cuts down), skip
 * consent or claim per-service scopes. Such clients are registered by the owner over RPC.
 */
function dynamicRegistrationProblem(metadata: Record<string, unknown>): void {
  const grants = (metadata.grant_types as string[] | undefined) ?? ["authorization_code"];
  const refused = grants.filter((g) => g !== "authorization_code" && g !== "refresh_token");
  if (refused.length) {
    throw new errors.InvalidClientMetadata(
      `dynamic registration allows only the authorization_code and refresh_token grants, not ${
        refused.join(", ")
      }`,
    );
  }
  for (const key of ["hero_skip_consent", "hero_scopes"]) {
    if (metadata[key] !== undefined) {
      throw new errors.InvalidClientMetadata(`${key} cannot be set by dynamic registration`);
    }
  }
}

/**
 * Per-service scopes (`hero:<service>:read|write`) are not among the provider's fixed scope
 * values, so they leave a client's `scope` before it is checked: an owner-registered client
 * keeps them in `hero_scopes` (what it may ask for when acting for itself); a dynamically
 * registered one needs none (its users' roles decide).
 */
function splitServiceScopes(metadata: Record<string, unknown>, dynamic: boolean): void {
  if (typeof metadata.scope !== "string") return;
  const all = metadata.scope.split(" ").filter(Boolean);
  const perService = all.filter(isServiceScope);
  if (!perService.length) return;
  const fixed = all.filter((s) => !isServiceScope(s));
  if (fixed.length) metadata.scope = fixed.join(" ");
  else delete metadata.scope;
  if (dynamic) return;
  const had = String(metadata.hero_scopes ?? "").split(" ").filter(Boolean);
  metadata.hero_scopes = [...new Set([...had, ...perService])].join(" ");
}

/** Whether a resource indicator names hero_router: the issuer's origin or a loopback alias. */
export function isRouterResource(resource: string, issuerOrigin: string): boolean {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return false;
  }
  if (url.origin === issuerOrigin) return true;
  const issuer = new URL(issuerOrigin);
  const loopback = ["localhost", "127.0.0.1", "[::1]"];
  return url.protocol === issuer.protocol && url.port === issuer.port &&
    loopback.includes(url.hostname) && loopback.includes(issuer.hostname);
}

/** Builds the configuration object. */
export function providerConfig(d: ProviderDeps): Configuration {
  const prefix = new URL(d.issuer).pathname.replace(/\/$/, "");
  const origin = new URL(d.issuer).origin;
  const page = (ctx: KoaContextWithOIDC, title: string, body: string, lead?: string) => {
    ctx.type = "html";
    ctx.body = renderCard({ prefix, title, body, lead });
  };
  return {
    adapter: d.models.adapterClass(),
    jwks: { keys: d.jwks as never },
    cookies: {
      keys: d.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: "lax" },
      short: { signed: true, httpOnly: true, sameSite: "lax" },
    },
    findAccount: (_ctx, sub) => {
      const claims = d.accounts.claims(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: () => ({ ...claims }) };
    },
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username", "updated_at"],
      email: ["email", "email_verified"],
      groups: ["groups", "roles"],
    },
    scopes: [...OIDC_SCOPES, ...RESOURCE_SCOPES],
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      id_token_signed_response_alg: "RS256",
      token_endpoint_auth_method: "client_secret_basic",
    },
    extraClientMetadata: {
      properties: ["hero_skip_consent", "hero_scopes"],
      validator: (ctx, key, value, metadata) => {
        if (key === "hero_skip_consent") {
          if (value !== undefined && typeof value !== "boolean") {
            throw new errors.InvalidClientMetadata("hero_skip_consent must be a boolean");
          }
          const dynamic = (ctx as KoaContextWithOIDC | undefined)?.oidc?.route === "registration";
          if (dynamic) dynamicRegistrationProblem(metadata as Record<string, unknown>);
          splitServiceScopes(metadata as Record<string, unknown>, dynamic);
        }
        if (
          key === "hero_scopes" && value !== undefined &&
          (typeof value !== "string" || !value.split(" ").every(isServiceScope))
        ) {
          throw new errors.InvalidClientMetadata(
            "hero_scopes must be space-separated hero:<service>:read|write scopes",
          );
        }
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    ttl: {
      AccessToken: d.ttl?.AccessToken ?? 600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      DeviceCode: 600,
      Grant: 14 * 86400,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: d.ttl?.RefreshToken ?? 14 * 86400,
      Session: d.ttl?.Session ?? 14 * 86400,
    },
    extraTokenClaims: (_ctx, token) => {
      const accountId = (token as { accountId?: string }).accountId;
      if (!accountId) return undefined;
      const claims = d.accounts.claims(accountId);
      return claims ? { groups: claims.groups, roles: claims.roles } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    loadExistingGrant: async (ctx) => {
      const client = ctx.oidc.client!;
      const session = ctx.oidc.session!;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!(client as unknown as { hero_skip_consent?: boolean }).hero_skip_consent) {
        return undefined;
      }
      // First-party clients (registered by the owner with hero_skip_consent) need no consent
      // page; they still get only the scopes the user's roles allow.
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId!,
      });
      const claims = d.accounts.claims(session.accountId!);
      const requested = [...(ctx.oidc.requestParamScopes ?? [])];
      grantWithinRoles(grant, claims?.roles ?? [], {
        oidc: requested.filter((s) => OIDC_SCOPES.includes(s) || RESOURCE_SCOPES.includes(s)),
        resources: Object.fromEntries(
          Object.entries(ctx.oidc.resourceServers ?? {}).map((
            [resource, server],
          ) => [
            resource,
            requested.filter((s) => String(server.scope ?? "").split(" ").includes(s)),
          ]),
        ),
      });
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      page(
        ctx,
        "Something went wrong",
        `<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? "")}</p>`,
      );
    },
    // Relying parties on this machine (Hero services) get back-channel logout calls; the
    // library's SSRF guard refuses loopback targets, so it is lifted for literal loopback hosts.
    fetch: (url, options) => {
      const host = new URL(url instanceof Request ? url.url : url).hostname;
      if (host === "127.0.0.1" || host === "[::1]" || host === "localhost") {
        delete (options as { dispatcher?: unknown }).dispatcher;
      }
      return globalThis.fetch(url, options);
    },
    clientBasedCORS: (_ctx, requestOrigin, client) =>
      (client.redirectUris ?? []).some((u) => new URL(u).origin === requestOrigin),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client may introspect tokens issued to it or meant for it (its id in the audience),
      // and revoke only its own (RFC 7009).
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => {
          const aud = (token as { aud?: string | string[] }).aud;
          const audiences = Array.isArray(aud) ? aud : aud ? [aud] : [];
          return token.clientId === client.clientId || audiences.includes(client.clientId);
        },
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => {
          // Audience-bound tokens for hero_router and its MCP endpoint (the issuer's origin, or
          // a loopback alias of it); anything else is refused.
          if (!isRouterResource(resource, origin)) {
            throw new errors.InvalidTarget(`resource ${resource} is not served by this Hero`);
          }
          // A client acting for itself (no user whose roles would cut its scopes down) gets
          // only the Hero scopes it was registered with.
          const clientOnly = ctx.oidc.params?.grant_type === "client_credentials";
          const c = client as unknown as { scope?: string; hero_scopes?: string };
          const registered = `${c.scope ?? ""} ${c.hero_scopes ?? ""}`.split(" ");
          const scopes = [...RESOURCE_SCOPES, ...serviceScopesAsked(ctx)]
            .filter((s) => !clientOnly || registered.includes(s));
          return {
            scope: scopes.join(" "),
            audience: resource,
            accessTokenTTL: d.ttl?.AccessToken ?? 600,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "EdDSA" } },
          };
        },
      },
      // `claims={"id_token":{"sid":...}}` lets a relying party (hero_router) bind its session
      // to the provider's, so a logout or a revoked session ends it at once.
      claimsParameter: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, _out, err) => {
          const error = err ? "That code is not valid: check it and try again" : undefined;
          ctx.type = "html";
          ctx.body = renderCard({
            prefix,
            title: "Connect a device",
            lead: "Enter the code shown by the program you are signing in to.",
            error,
            body: `${form.replace("</form>", "")}<label class="field" for="user_code">Code</label>
<input id="user_code" name="user_code" autocomplete="off" required autofocus>
<button class="btn primary" type="submit">Continue</button></form>`,
          });
        },
        userCodeConfirmSource: (ctx, form, client, _info, userCode) => {
          ctx.type = "html";
          ctx.body = renderCard({
            prefix,
            title: "Confirm the device",
            lead: `<strong>${
              escapeHtml(client.clientName ?? client.clientId)
            }</strong> asks to sign in.
 Continue only if it shows this code: <code id="user-code">${escapeHtml(userCode)}</code>`,
            body: `${form.replace("</form>", "")}
<button class="btn primary" type="submit" autofocus>Continue</button>
<button class="btn" type="submit" name="abort" value="yes">Abort</button></form>`,
          });
        },
        successSource: (ctx) =>
          page(
            ctx,
            "Device connected",
            "<p>You can close this window and go back to your device.</p>",
          ),
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = "html";
          ctx.body = renderCard({
            prefix,
            title: "Sign out",
            lead: "Sign out of Hero on this browser?",
            body: `${form.replace("</form>", "")}
<button class="btn primary" type="submit" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button class="btn" type="submit">No, stay signed in</button></form>`,
          });
        },
        postLogoutSuccessSource: (ctx) =>
          page(ctx, "Signed out", "<p>You are signed out of Hero.</p>"),
      },
    },
  };
}
