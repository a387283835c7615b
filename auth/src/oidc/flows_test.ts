/**
 * The OIDC flows of hero_auth, driven by openid-client (an independent, certified client) over
 * real sockets: discovery, code + PKCE, refresh rotation and reuse detection, device code,
 * client credentials with audience-bound JWTs, introspection, revocation, userinfo, logout,
 * back-channel logout and key rotation.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { type AuthFixture, startAuthFixture } from "../test_support/auth_fixture.ts";
import { FormBrowser } from "../test_support/form_browser.ts";
import {
  authorizationRequest,
  codeFlow,
  REDIRECT_URI,
  signIn,
  testClient,
  testUser,
} from "../test_support/oidc_helpers.ts";

let f: AuthFixture;
let alice: { username: string; password: string; id: string };

before(async () => {
  f = await startAuthFixture();
  const u = await testUser(f, "alice", { roles: ["read"] });
  alice = { username: "alice", ...u };
});
after(() => f.close());

describe("discovery and keys", () => {
  test("discovery names every endpoint and only S256 PKCE, JWKS has RS256, ES256 and EdDSA keys", async () => {
    const d = await (await fetch(`${f.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(d.issuer, f.issuer);
    assert.deepEqual(d.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(d.response_types_supported, ["code"]);
    for (
      const k of [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "introspection_endpoint",
        "revocation_endpoint",
        "device_authorization_endpoint",
        "end_session_endpoint",
        "registration_endpoint",
      ]
    ) {
      assert.ok(String(d[k]).startsWith(f.issuer), `${k}: ${d[k]}`);
    }
    assert.equal(d.backchannel_logout_supported, true);
    const jwks = await (await fetch(d.jwks_uri)).json();
    assert.deepEqual(jwks.keys.map((k: { alg: string }) => k.alg).sort(), [
      "ES256",
      "EdDSA",
      "RS256",
    ]);
    assert.ok(
      jwks.keys.every((k: Record<string, unknown>) => k.d === undefined),
      "no private parts",
    );
  });
});

describe("authorization code + PKCE", () => {
  test("a user signs in and consents; ID token carries groups and roles; userinfo answers", async () => {
    const { config } = await testClient(f);
    const tokens = await codeFlow(config, alice);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, alice.id);
    assert.equal(claims.preferred_username, "alice");
    assert.deepEqual(claims.groups, ["alice-team"]);
    assert.deepEqual(claims.roles, ["read"]);
    assert.ok(tokens.refresh_token);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, alice.id);
    assert.deepEqual(info.roles, ["read"]);
    const audit = await f.call<{ event: string }[]>("audit.query", {
      event: "login.",
      subject: alice.id,
    });
    assert.ok(audit.some((r) => r.event === "login.succeeded"));
  });

  test("an authorization request without PKCE is refused", async () => {
    const { config } = await testClient(f);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      state: "s1",
    });
    const landed = await new FormBrowser().get(String(url), (u) => u.startsWith(REDIRECT_URI));
    const back = new URL(landed.url);
    assert.equal(back.searchParams.get("error"), "invalid_request");
    assert.match(back.searchParams.get("error_description") ?? "", /PKCE/);
  });

  test("a plain PKCE challenge is refused", async () => {
    const { config } = await testClient(f);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: "a".repeat(43),
      code_challenge_method: "plain",
    });
    const landed = await new FormBrowser().get(String(url), (u) => u.startsWith(REDIRECT_URI));
    assert.equal(new URL(landed.url).searchParams.get("error"), "invalid_request");
  });

  test("a wrong code_verifier gets invalid_grant", async () => {
    const { config } = await testClient(f);
    const { url, state } = await authorizationRequest(config);
    const landed = await signIn(new FormBrowser(), url, alice);
    await assert.rejects(
      oidc.authorizationCodeGrant(config, new URL(landed.url), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: state,
      }),
      (err: { error?: string }) => err.error === "invalid_grant",
    );
  });

  test("a first-party client skips consent but the user's roles still bound the scopes", async () => {
    const { config } = await testClient(f, { hero_skip_consent: true });
    const tokens = await codeFlow(config, alice, {
      prompt: "login",
      resource: new URL(f.issuer).origin + "/",
      scope: "openid hero:read hero:admin",
    });
    const at = decodeJwt(tokens.access_token);
    assert.equal(at.aud, new URL(f.issuer).origin + "/");
    assert.equal(at.scope, "hero:read", "a read user never gets hero:admin");
    assert.deepEqual(at.roles, ["read"]);
  });
});

describe("refresh tokens", () => {
  test("refresh rotates the token; reusing an old one revokes the whole family", async () => {
    const { config } = await testClient(f);
    const first = await codeFlow(config, alice);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    assert.notEqual(second.refresh_token, first.refresh_token);
    await assert.rejects(
      oidc.refreshTokenGrant(config, first.refresh_token!),
      (e: { error?: string }) => e.error === "invalid_grant",
    );
    await assert.rejects(
      oidc.refreshTokenGrant(config, second.refresh_token!),
      (e: { error?: string }) => e.error === "invalid_grant",
    );
    const intro = await oidc.tokenIntrospection(config, second.access_token);
    assert.equal(intro.active, false, "access tokens of the family are revoked too");
  });
});

describe("revocation and introspection", () => {
  test("a revoked access token is inactive at once (introspection, userinfo, RPC)", async () => {
    const { config } = await testClient(f);
    const tokens = await codeFlow(config, alice);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
    assert.equal(
      (await f.call<{ active: boolean }>("tokens.introspect", { token: tokens.access_token }))
        .active,
      true,
    );
    await oidc.tokenRevocation(config, tokens.access_token);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
    assert.equal(
      (await f.call<{ active: boolean }>("tokens.introspect", { token: tokens.access_token }))
        .active,
      false,
    );
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, alice.id));
  });

  test("revoking a refresh token ends the grant", async () => {
    const { config } = await testClient(f);
    const tokens = await codeFlow(config, alice);
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
  });

  test("disabling a user revokes their tokens", async () => {
    const bob = await testUser(f, "bob");
    const { config } = await testClient(f);
    const tokens = await codeFlow(config, { username: "bob", password: bob.password });
    await f.call("users.update", { id: bob.id, disabled: true });
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
  });
});

describe("device authorization grant", () => {
  test("a CLI gets tokens after the user enters the code in a browser", async () => {
    const { config } = await testClient(f, {
      token_endpoint_auth_method: "none",
      grant_types: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
      response_types: [],
      redirect_uris: [],
    });
    const device = await oidc.initiateDeviceAuthorization(config, {
      scope: "openid groups offline_access",
    });
    const browser = new FormBrowser();
    let page = await browser.get(device.verification_uri);
    page = await browser.post(FormBrowser.action(page, "/device"), {
      ...FormBrowser.hidden(page),
      user_code: device.user_code,
    });
    assert.match(page.html, /Confirm the device/);
    assert.ok(page.html.includes(device.user_code), "the confirm page shows the code");
    page = await browser.post(FormBrowser.action(page, "/device"), FormBrowser.hidden(page));
    page = await browser.post(FormBrowser.action(page, "/login"), {
      username: "alice",
      password: alice.password,
    });
    if (page.html.includes("Allow access?")) {
      page = await browser.post(FormBrowser.action(page, "/consent"), {});
    }
    assert.match(page.html, /Device connected/);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...device, interval: 0.1 });
    assert.equal(tokens.claims()?.sub, alice.id);
    assert.ok(tokens.refresh_token);
  });
});

describe("client credentials", () => {
  test("a service gets an audience-bound EdDSA JWT limited to its registered scope", async () => {
    const { config } = await testClient(f, {
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "hero:read",
    });
    const resource = new URL(f.issuer).origin + "/mcp";
    const tokens = await oidc.clientCredentialsGrant(config, {
      resource,
      scope: "hero:read hero:admin",
    }).catch(() => oidc.clientCredentialsGrant(config, { resource, scope: "hero:read" }));
    assert.equal(decodeProtectedHeader(tokens.access_token).alg, "EdDSA");
    const jwks = createRemoteJWKSet(new URL(`${f.issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: f.issuer,
      audience: resource,
    });
    assert.equal(payload.scope, "hero:read");
    await assert.rejects(
      oidc.clientCredentialsGrant(config, {
        resource: "https://elsewhere.example/",
        scope: "hero:read",
      }),
      (e: { error?: string }) => e.error === "invalid_target",
    );
  });
  test("a change to a client over RPC holds at its next token request (no stale copy)", async () => {
    const { config, clientId } = await testClient(f, {
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "hero:read",
    });
    const resource = new URL(f.issuer).origin + "/";
    const grant = (scope: string) =>
      oidc.clientCredentialsGrant(config, { resource, scope }).then(
        (t) => String(decodeJwt(t.access_token).scope),
        (e: { error?: string }) => String(e.error),
      );
    assert.equal(await grant("hero:read"), "hero:read");
    await f.call("clients.update", { id: clientId, scope: "hero:admin" });
    assert.equal(await grant("hero:read"), "invalid_scope");
    assert.equal(await grant("hero:admin"), "hero:admin");
    await f.call("clients.delete", { id: clientId });
    assert.equal(await grant("hero:admin"), "invalid_client");
  });
});

describe("JWT access tokens and dynamic registration", () => {
  test("a JWT access token is revoked at the revocation endpoint, at once; its jti alone is no token", async () => {
    const { config } = await testClient(f, {
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "hero:read",
    });
    const resource = new URL(f.issuer).origin + "/";
    const { access_token: jwt } = await oidc.clientCredentialsGrant(config, {
      resource,
      scope: "hero:read",
    });
    assert.equal((await oidc.tokenIntrospection(config, jwt)).active, true);
    const jti = String(decodeJwt(jwt).jti);
    assert.equal((await oidc.tokenIntrospection(config, jti)).active, false, "jti is not a token");
    assert.equal(await f.call("gate.identify", { token: jti }), null);
    assert.ok(await f.call("gate.identify", { token: jwt }));
    await oidc.tokenRevocation(config, jwt);
    assert.equal((await oidc.tokenIntrospection(config, jwt)).active, false);
    assert.equal(await f.call("gate.identify", { token: jwt }), null);
  });

  test("a client acting for itself gets only the Hero scopes it was registered with", async () => {
    const { config } = await testClient(f, {
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "hero:notes:write",
    });
    const resource = new URL(f.issuer).origin + "/";
    const grant = (scope: string) => oidc.clientCredentialsGrant(config, { resource, scope });
    assert.equal(
      decodeJwt((await grant("hero:notes:write")).access_token).scope,
      "hero:notes:write",
    );
    const wider = await grant("hero:notes:write hero:proc:write hero:admin hero:read")
      .then((t) => decodeJwt(t.access_token).scope, (e: { error?: string }) => e.error);
    assert.ok(wider === "hero:notes:write" || wider === "invalid_scope", String(wider));
  });

  test("dynamic registration registers code-flow clients only", async () => {
    const register = async (metadata: Record<string, unknown>) => {
      const res = await fetch(`${f.issuer}/reg`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:1/cb"], ...metadata }),
      });
      return { status: res.status, body: await res.json() };
    };
    const ok = await register({ token_endpoint_auth_method: "none" });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    for (
      const bad of [
        { grant_types: ["client_credentials"], response_types: [] },
        { grant_types: ["authorization_code", "urn:ietf:params:oauth:grant-type:device_code"] },
        { hero_skip_consent: true },
        { hero_scopes: "hero:notes:write" },
      ]
    ) {
      const out = await register(bad);
      assert.equal(out.status, 400, JSON.stringify(bad));
      assert.equal(out.body.error, "invalid_client_metadata");
    }
  });
});

describe("logout", () => {
  test("RP-initiated logout ends the session and redirects to the registered URI", async () => {
    const { config } = await testClient(f);
    const browser = new FormBrowser();
    const { url, verifier, state } = await authorizationRequest(config);
    const landed = await signIn(browser, url, alice);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(landed.url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const end = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: "http://rp.test/bye",
    });
    let page = await browser.get(String(end), (u) => u.startsWith("http://rp.test/"));
    page = await browser.post(FormBrowser.action(page, "/session/end/confirm"), {
      ...FormBrowser.hidden(page),
      logout: "yes",
    }, (u) => u.startsWith("http://rp.test/"));
    assert.ok(page.url.startsWith("http://rp.test/bye"), page.url);
    // Signed out: a new authorization request shows the login page again.
    const again = await authorizationRequest(config);
    const next = await browser.get(String(again.url), (u) => u.startsWith(REDIRECT_URI));
    assert.match(next.html, /Sign in to Hero/);
  });

  test("revoking a session over RPC sends a signed back-channel logout token", async () => {
    const received: string[] = [];
    const rp = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(new URLSearchParams(body).get("logout_token") ?? "");
        res.end();
      });
    });
    await new Promise<void>((r) => rp.listen(0, "127.0.0.1", r));
    try {
      const port = (rp.address() as AddressInfo).port;
      const { config } = await testClient(f, {
        backchannel_logout_uri: `http://127.0.0.1:${port}/bcl`,
      });
      await codeFlow(config, alice);
      const sessions = await f.call<{ id: string; clients: string[] }[]>("sessions.list", {
        user_id: alice.id,
      });
      const session = sessions.find((s) => s.clients.includes(config.clientMetadata().client_id))!;
      assert.ok(session, "the session lists the client");
      assert.equal(await f.call("sessions.revoke", { id: session.id }), true);
      assert.equal(received.length, 1);
      const jwks = createRemoteJWKSet(new URL(`${f.issuer}/jwks`));
      const { payload } = await jwtVerify(received[0], jwks, {
        issuer: f.issuer,
        audience: config.clientMetadata().client_id,
      });
      assert.equal(payload.sub, alice.id);
      assert.ok(
        (payload.events as Record<string, unknown>)[
          "http://schemas.openid.net/event/backchannel-logout"
        ],
      );
      const left = await f.call<{ id: string }[]>("sessions.list", { user_id: alice.id });
      assert.ok(!left.some((s) => s.id === session.id));
    } finally {
      rp.close();
    }
  });
});

describe("key rotation", () => {
  test("new tokens use the new key; tokens signed before still verify against the JWKS", async () => {
    const { config } = await testClient(f);
    const before = await codeFlow(config, alice);
    const oldKid = decodeProtectedHeader(before.id_token!).kid;
    const kids = await f.call<string[]>("keys.rotate");
    assert.ok(!kids.includes(oldKid!));
    const jwks = await (await fetch(`${f.issuer}/jwks`)).json();
    const published = jwks.keys.map((k: { kid: string }) => k.kid);
    assert.ok(published.includes(oldKid) && kids.every((k) => published.includes(k)));
    const { config: fresh } = await testClient(f);
    const afterRotation = await codeFlow(fresh, alice);
    assert.ok(kids.includes(decodeProtectedHeader(afterRotation.id_token!).kid!));
    const remote = createRemoteJWKSet(new URL(`${f.issuer}/jwks`));
    await jwtVerify(before.id_token!, remote, { issuer: f.issuer });
  });
});
