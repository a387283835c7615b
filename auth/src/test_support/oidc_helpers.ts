/**
 * Test support: registering clients and users in a hero_auth fixture, and signing in through
 * the pages with the form browser until the relying party's redirect URI is reached.
 */
import * as oidc from "openid-client";
import type { AuthFixture } from "./auth_fixture.ts";
import { FormBrowser, type Landed } from "./form_browser.ts";

/** The redirect URI the test relying parties use (never fetched). */
export const REDIRECT_URI = "http://rp.test/callback";

/** Creates a confidential client and returns openid-client's configuration for it. */
export async function testClient(
  f: AuthFixture,
  metadata: Record<string, unknown> = {},
): Promise<{ config: oidc.Configuration; clientId: string; secret?: string }> {
  const created = await f.call<{ client_id: string; client_secret?: string }>("clients.create", {
    client_name: "Test RP",
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: ["http://rp.test/bye"],
    ...metadata,
  });
  const config = await oidc.discovery(
    new URL(f.issuer),
    created.client_id,
    created.client_secret,
    created.client_secret ? undefined : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { config, clientId: created.client_id, secret: created.client_secret };
}

/** Creates a user with a password, optionally in a new group with roles. */
export async function testUser(
  f: AuthFixture,
  username: string,
  opts: { password?: string; roles?: string[] } = {},
): Promise<{ id: string; password: string }> {
  const password = opts.password ?? `${username}-secret-pw`;
  const user = await f.call<{ id: string }>("users.create", { username, password });
  if (opts.roles) {
    const group = await f.call<{ id: string }>("groups.create", {
      name: `${username}-team`,
      roles: opts.roles,
    });
    await f.call("groups.add_member", { group_id: group.id, user_id: user.id });
  }
  return { id: user.id, password };
}

/** Starts an authorization request; returns the URL and the PKCE verifier and state. */
export async function authorizationRequest(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: "openid profile email groups offline_access",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    prompt: "consent",
    ...params,
  });
  return { url, verifier, state };
}

const atRp = (url: string) => url.startsWith(REDIRECT_URI) || url.startsWith("http://rp.test/");

/** Signs in with username and password (and a TOTP code) and consents; returns the landing. */
export async function signIn(
  browser: FormBrowser,
  url: URL | string,
  user: { username: string; password: string; totp?: () => string },
): Promise<Landed> {
  let page = await browser.get(String(url), atRp);
  if (atRp(page.url)) return page;
  page = await browser.post(FormBrowser.action(page, "/login"), {
    username: user.username,
    password: user.password,
  }, atRp);
  if (page.html.includes("Two-step verification")) {
    if (!user.totp) throw new Error("TOTP asked but no code source given");
    page = await browser.post(FormBrowser.action(page, "/totp"), { code: user.totp() }, atRp);
  }
  if (page.html.includes("Allow access?")) {
    page = await browser.post(FormBrowser.action(page, "/consent"), {}, atRp);
  }
  return page;
}

/** Completes the code flow after sign-in and returns the tokens. */
export async function codeFlow(
  config: oidc.Configuration,
  user: { username: string; password: string; totp?: () => string },
  params: Record<string, string> = {},
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const { url, verifier, state } = await authorizationRequest(config, params);
  const landed = await signIn(new FormBrowser(), url, user);
  if (!atRp(landed.url)) {
    const banner = /role="alert"[^>]*>([^<]*)/.exec(landed.html)?.[1];
    throw new Error(
      `Sign-in did not finish: ${landed.status} ${banner ?? landed.html.slice(0, 300)}`,
    );
  }
  return await oidc.authorizationCodeGrant(config, new URL(landed.url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
}
