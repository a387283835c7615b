/**
 * Single sign-on in the router against a real hero_auth (a Node child process) on the same
 * socket root: the provider's public endpoints pass the gate and nothing else of hero_auth
 * does; protected-resource and authorization-server metadata; a browser is sent to sign in and
 * back; the signed-in user reaches services as itself (signed assertion, the router's cookies
 * and bearer removed, a forged assertion dropped); hero_auth access tokens are accepted only
 * for their audience, with scopes cut to the roles; revoking a session or token, signing out
 * and changing a role take effect on the next request.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { defineApi, defineMethod, HeroServer } from "@hero/sdk";
import { FormBrowser, type Landed } from "../../../auth/src/test_support/form_browser.ts";
import { type AuthProcess, startAuthProcess } from "../test_support/auth_process.ts";
import { until } from "../test_support/fixtures.ts";
import { ADMIN_TOKEN, type RouterHarness, startRouter } from "../test_support/router_harness.ts";
import { isPublicPath } from "../server/web_app.ts";

let harness: RouterHarness;
let auth: AuthProcess;
let who: HeroServer;
let readerId: string;

/** A service that tells what it received: the verified caller and the credentials. */
async function startWho(root: string): Promise<HeroServer> {
  const api = defineApi({
    info: { title: "Who", version: "1.0.0" },
    methods: [
      defineMethod({
        name: "whoami",
        params: [],
        result: { name: "caller", schema: { type: "object" } },
        annotations: { readOnlyHint: true },
        handler: (_p, ctx) => ctx.caller,
      }),
      defineMethod({
        name: "poke",
        params: [],
        result: { name: "caller", schema: { type: "object" } },
        handler: (_p, ctx) => ctx.caller,
      }),
    ],
  });
  const server = new HeroServer({
    name: "who",
    api,
    socketRoot: root,
    admin: (request, info) =>
      Promise.resolve(Response.json({
        caller: info.caller,
        cookie: request.headers.get("cookie"),
        authorization: request.headers.get("authorization"),
      })),
  });
  await server.start();
  return server;
}

before(async () => {
  harness = await startRouter();
  who = await startWho(harness.root);
  auth = await startAuthProcess(harness);
  readerId = await auth.user("reader", ["read"]);
  await until(() => harness.app.registry.get("who")?.openrpc, 5000, "who");
});

after(async () => {
  await auth?.close();
  await who?.close();
  await harness?.close();
});

/** Signs `username` in through the dashboard URL; returns the browser and where it landed. */
async function signIn(username: string, path = "/"): Promise<{ b: FormBrowser; page: Landed }> {
  const b = new FormBrowser();
  b.headers = { accept: "text/html" };
  const login = await b.get(`${harness.base}${path}`);
  assert.match(login.url, /\/hero_auth\/web_oidc\/interaction\//, "sent to hero_auth's sign-in");
  const page = await b.post(FormBrowser.action(login, "/login"), {
    username,
    password: `${username}-password-1`,
  });
  return { b, page };
}

const gateRefusal = /needs a credential|credential for .* is not valid/;

describe("hero_auth's endpoints through the gate", () => {
  it("the provider's public endpoints pass without a credential; the rest of hero_auth does not", async () => {
    const i = "/hero_auth/web_oidc";
    const open: [string, string][] = [
      ["GET", `${i}/.well-known/openid-configuration`],
      ["GET", `${i}/jwks`],
      ["GET", `${i}/auth?client_id=hero_router`],
      ["POST", `${i}/token`],
      ["POST", `${i}/token/introspection`],
      ["POST", `${i}/token/revocation`],
      ["POST", `${i}/device/auth`],
      ["GET", `${i}/device`],
      ["GET", `${i}/session/end`],
      ["GET", `${i}/me`],
      ["POST", `${i}/reg`],
      ["GET", `${i}/interaction/nope`],
      ["GET", `${i}/setup/nope`],
      ["GET", `${i}/assets/hero.css`],
    ];
    for (const [method, path] of open) {
      const res = await fetch(`${harness.base}${path}`, { method, redirect: "manual" });
      const body = await res.text();
      assert.doesNotMatch(body, gateRefusal, `${method} ${path} was stopped by the gate`);
      assert.notEqual(res.status, 502, `${method} ${path}: ${body}`);
    }
    const closed: [string, string][] = [
      ["GET", `${i}/not-an-endpoint`],
      ["GET", "/hero_auth/admin/users"],
      ["POST", "/hero_auth/rpc/rpc"],
      ["GET", `${i}x/jwks`],
    ];
    for (const [method, path] of closed) {
      const res = await fetch(`${harness.base}${path}`, { method, redirect: "manual" });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.match(await res.text(), gateRefusal);
    }
    assert.equal(isPublicPath("GET", `${i}/jwks`), false, "public only once the issuer is known");
    assert.equal(isPublicPath("GET", `${i}/jwks`, i), true);
    assert.equal(isPublicPath("GET", `${i}/../admin/`, i), false);
  });

  it("serves protected-resource metadata and the authorization server's, and 401s point to it", async () => {
    const prm = await (await fetch(`${harness.base}/.well-known/oauth-protected-resource/mcp`))
      .json();
    assert.equal(prm.resource, `${harness.base}/mcp`);
    assert.deepEqual(prm.authorization_servers, [auth.issuer]);
    assert.ok(prm.scopes_supported.includes("hero:read"));
    assert.ok(prm.scopes_supported.includes("hero:who:write"));
    const root = await (await fetch(`${harness.base}/.well-known/oauth-protected-resource`)).json();
    assert.equal(root.resource, `${harness.base}/`);
    const one = await (await fetch(`${harness.base}/.well-known/oauth-protected-resource/mcp/who`))
      .json();
    assert.equal(one.resource, `${harness.base}/mcp/who`);
    assert.deepEqual(one.scopes_supported, [
      "hero:read",
      "hero:admin",
      "hero:who:read",
      "hero:who:write",
    ]);
    for (const kind of ["oauth-authorization-server", "openid-configuration"]) {
      const as = await (await fetch(`${harness.base}/.well-known/${kind}/hero_auth/web_oidc`))
        .json();
      assert.equal(as.issuer, auth.issuer);
      assert.ok(as.registration_endpoint, "dynamic client registration is offered");
    }
    const res = await fetch(`${harness.base}/mcp`, { method: "POST", body: "{}" });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    assert.equal(
      res.headers.get("www-authenticate"),
      `Bearer realm="hero", resource_metadata="${harness.base}/.well-known/oauth-protected-resource/mcp"`,
    );
  });
});

describe("browsers sign in through hero_auth", () => {
  it("a browser without a session is sent to sign in and comes back to the page it asked for", async () => {
    const { b, page } = await signIn("reader", "/service/who");
    assert.equal(page.url, `${harness.base}/service/who`);
    assert.equal(page.status, 200);
    assert.match(page.html, /<html/);
    const services = await b.get(`${harness.base}/api/services`);
    assert.equal(services.status, 200);
    const scan = await b.post(`${harness.base}/api/scan`, {});
    assert.equal(scan.status, 403, "a reader may not write");
  });

  it("services see the signed-in user through the assertion, never the router's cookies", async () => {
    const { b } = await signIn("reader");
    b.headers = { "x-hero-caller": "forged-by-the-browser" };
    const fast = harness.app.tcpCounts.fast;
    const seen = JSON.parse((await b.get(`${harness.base}/who/admin/whoami`)).html);
    assert.equal(harness.app.tcpCounts.fast, fast + 1, "relayed by the TCP front's fast path");
    assert.equal(seen.caller.subject, `user:${readerId}`);
    assert.equal(seen.caller.name, "reader");
    assert.equal(seen.caller.via, "cookie");
    assert.deepEqual(seen.caller.scopes, ["hero:read"]);
    assert.deepEqual(seen.caller.groups, ["readers"]);
    assert.doesNotMatch(seen.cookie ?? "", /hero_sso|hero_admin/);
  });

  it("revoking the hero_auth session ends the router session on the next request", async () => {
    const { b } = await signIn("reader");
    assert.equal((await b.get(`${harness.base}/api/services`)).status, 200);
    const sessions = await auth.call<{ id: string }[]>("sessions.list", { user_id: readerId });
    for (const s of sessions) await auth.call("sessions.revoke", { id: s.id });
    b.headers = {};
    assert.equal((await b.get(`${harness.base}/api/services`)).status, 401);
  });

  it("signing out ends the hero_auth session too and lands on the sign-in page", async () => {
    const { b } = await signIn("reader");
    b.headers = { accept: "text/html", origin: harness.base };
    const confirm = await b.post(`${harness.base}/logout`, {});
    assert.match(confirm.html, /Sign out/);
    const out = await b.post(FormBrowser.action(confirm, "/session/end/confirm"), {
      ...FormBrowser.hidden(confirm),
      logout: "yes",
    });
    assert.match(out.url, /\/hero_auth\/web_oidc\/interaction\//, "back at the sign-in");
    b.headers = {};
    assert.equal((await b.get(`${harness.base}/api/services`)).status, 401);
  });

  it("a role given or taken applies at once (per-service write from a group role)", async () => {
    const id = await auth.user("writer", ["read"]);
    const { b } = await signIn("writer");
    b.headers = { "x-hero-csrf": "1" };
    const poke = () => b.post(`${harness.base}/who/admin/poke`, {});
    const call = () =>
      fetch(`${harness.base}/api/dashboard/call`, {
        method: "POST",
        headers: { cookie: b.cookies(), "x-hero-csrf": "1" },
        body: JSON.stringify({ service: "who", method: "poke", params: {} }),
      });
    assert.equal((await poke()).status, 403, "a reader may not post to who's admin socket");
    assert.equal((await call()).status, 403);
    const group = await auth.call<{ id: string }>("groups.create", {
      name: "who-writers",
      roles: ["who:write"],
    });
    await auth.call("groups.add_member", { group_id: group.id, user_id: id });
    assert.equal((await poke()).status, 200);
    const done = await (await call()).json();
    assert.equal(done.ok, true, JSON.stringify(done));
    assert.equal(done.result.subject, `user:${id}`);
    assert.deepEqual(done.result.scopes, ["hero:read", "hero:who:write"]);
    await auth.call("groups.remove_member", { group_id: group.id, user_id: id });
    assert.equal((await poke()).status, 403);
    assert.equal((await call()).status, 403);
  });
});

describe("hero_auth access tokens", () => {
  let client: { client_id: string; client_secret: string };

  before(async () => {
    client = await auth.call("clients.create", {
      client_name: "robot",
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: "hero:read hero:who:write",
    });
  });

  const token = async (resource: string, scope: string) => {
    const res = await fetch(`${auth.issuer}/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
      },
      body: new URLSearchParams({ grant_type: "client_credentials", resource, scope }),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.access_token as string;
  };
  const get = (path: string, bearer: string, headers: Record<string, string> = {}) =>
    fetch(`${harness.base}${path}`, { headers: { authorization: `Bearer ${bearer}`, ...headers } });

  it("is accepted for its audience only, with its scopes", async () => {
    const rootToken = await token(`${harness.base}/`, "hero:read");
    assert.equal((await get("/api/services", rootToken)).status, 200);
    const scan = await fetch(`${harness.base}/api/scan`, {
      method: "POST",
      headers: { authorization: `Bearer ${rootToken}` },
    });
    assert.equal(scan.status, 403);
    await scan.body?.cancel();
    const mcpToken = await token(`${harness.base}/mcp`, "hero:read");
    const elsewhere = await get("/api/services", mcpToken);
    assert.equal(elsewhere.status, 401, "an /mcp token is not a token for the whole router");
    await elsewhere.body?.cancel();
    assert.match(elsewhere.headers.get("www-authenticate")!, /error="invalid_token"/);
  });

  it("reaches a service as its client, with the bearer removed; revocation works at once", async () => {
    const t = await token(`${harness.base}/`, "hero:who:write");
    const fast = harness.app.tcpCounts.fast;
    const seen = await (await get("/who/admin/whoami", t, { "x-hero-caller": "forged" })).json();
    assert.equal(harness.app.tcpCounts.fast, fast + 1, "relayed by the TCP front's fast path");
    assert.equal(seen.caller.subject, `client:${client.client_id}`);
    assert.equal(seen.caller.via, "bearer");
    assert.deepEqual(seen.caller.scopes, ["hero:who:write"]);
    assert.equal(seen.authorization, null, "the router's credential is not forwarded");
    const poke = await fetch(`${harness.base}/who/rpc/rpc`, {
      method: "POST",
      headers: { authorization: `Bearer ${t}`, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "poke" }),
    });
    assert.equal((await poke.json()).result.subject, `client:${client.client_id}`);
    const revoked = await fetch(`${auth.issuer}/token/revocation`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}`,
      },
      body: new URLSearchParams({ token: t }),
    });
    assert.equal(revoked.status, 200, await revoked.text());
    const after = await get("/who/admin/whoami", t);
    assert.equal(after.status, 401);
    await after.body?.cancel();
  });

  it("the admin token still works beside hero_auth (break-glass), and a forged assertion is dropped", async () => {
    const seen = await (await get("/who/admin/whoami", ADMIN_TOKEN, { "x-hero-caller": "x.y.z" }))
      .json();
    assert.equal(seen.caller.subject, "token:admin");
    assert.deepEqual(seen.caller.scopes, ["hero:admin"]);
    assert.equal(seen.authorization, null, "the admin token is not forwarded");
  });
});
