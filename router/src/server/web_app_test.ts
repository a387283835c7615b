/**
 * Every route of the web surface against every kind of caller: (route, credential) -> status,
 * on a real router with a real fixture service. A route added to the app without a row here
 * fails the coverage check at the end.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import {
  ADMIN_TOKEN,
  rawHttp,
  READ_TOKEN,
  type RouterHarness,
  startRouter,
  statusOf,
} from "../test_support/router_harness.ts";

/** The callers: nobody, the read-only token, the admin token (bearer, and cookie without the
 * CSRF header), and the owner on admin.sock. */
const CALLERS = ["none", "read", "admin", "cookie", "owner"] as const;
type Caller = typeof CALLERS[number];

interface Row {
  /** The app route (or middleware) this row covers, as Hono lists it. */
  route: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Expected status per caller; a number for all of them, or a status per caller. */
  expect: number | Record<Caller, number>;
}

/** Read access: nobody gets 401, everyone else the page. */
const READ = { none: 401, read: 200, admin: 200, cookie: 200, owner: 200 };
/** Write access: readers 403, a cookie without the CSRF header 403. */
const WRITE = { none: 401, read: 403, admin: 200, cookie: 403, owner: 200 };
const json = { "content-type": "application/json" };
const rpc = (method: string, params: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "table", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};
const mcp = (method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: META } });
const mcpList = mcp("tools/list");
const mcpHeaders = {
  ...json,
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2026-07-28",
  "mcp-method": "tools/list",
};

const ROWS: Row[] = [
  { route: "/login", method: "GET", path: "/login?next=/", expect: 200 },
  {
    route: "/login",
    method: "POST",
    path: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `token=${READ_TOKEN}&next=/service/fixture`,
    expect: 303,
  },
  {
    route: "/logout",
    method: "POST",
    path: "/logout",
    expect: 303,
  },
  // Without hero_auth (this router has none) signing in through it is unavailable and there
  // is no OAuth metadata; router/src/sso/sso_test.ts covers them with a real hero_auth.
  { route: "/auth/login", method: "GET", path: "/auth/login?return_to=/", expect: 503 },
  { route: "/auth/callback", method: "GET", path: "/auth/callback?code=x&state=y", expect: 503 },
  {
    route: "/.well-known/oauth-protected-resource",
    method: "GET",
    path: "/.well-known/oauth-protected-resource",
    expect: 404,
  },
  {
    route: "/.well-known/oauth-protected-resource/*",
    method: "GET",
    path: "/.well-known/oauth-protected-resource/mcp",
    expect: 404,
  },
  {
    route: "/.well-known/oauth-authorization-server/*",
    method: "GET",
    path: "/.well-known/oauth-authorization-server/hero_auth/web_oidc",
    expect: 404,
  },
  {
    route: "/.well-known/openid-configuration/*",
    method: "GET",
    path: "/.well-known/openid-configuration/hero_auth/web_oidc",
    expect: 404,
  },
  {
    route: "/*",
    method: "GET",
    path: "/hero_auth/web_oidc/jwks",
    expect: { ...READ, read: 404, admin: 404, cookie: 404, owner: 404 },
  },
  { route: "/favicon.svg", method: "GET", path: "/favicon.svg", expect: 200 },
  { route: "/css/:file", method: "GET", path: "/css/hero.css", expect: 200 },
  {
    route: "/rpc",
    method: "POST",
    path: "/rpc",
    headers: json,
    body: rpc("router.services", {}),
    expect: { ...WRITE, read: 405, admin: 405, cookie: 403, owner: 405 },
  },
  { route: "/health", method: "GET", path: "/health", expect: READ },
  { route: "/metrics", method: "GET", path: "/metrics", expect: READ },
  {
    route: "/.well-known/heroservice.json",
    method: "GET",
    path: "/.well-known/heroservice.json",
    expect: READ,
  },
  { route: "/", method: "GET", path: "/", expect: READ },
  { route: "/home", method: "GET", path: "/home", expect: READ },
  { route: "/router-logs", method: "GET", path: "/router-logs", expect: READ },
  { route: "/service/:name", method: "GET", path: "/service/fixture", expect: READ },
  { route: "/js/hero_ui.js", method: "GET", path: "/js/hero_ui.js", expect: READ },
  { route: "/js/dashboard/:file", method: "GET", path: "/js/dashboard/overview.js", expect: READ },
  { route: "/api/events", method: "GET", path: "/api/events", expect: READ },
  { route: "/api/federation", method: "GET", path: "/api/federation", expect: READ },
  { route: "/api/health", method: "GET", path: "/api/health", expect: READ },
  { route: "/api/cache", method: "GET", path: "/api/cache", expect: READ },
  { route: "/api/services", method: "GET", path: "/api/services", expect: READ },
  { route: "/api/services/:name", method: "GET", path: "/api/services/fixture", expect: READ },
  {
    route: "/api/services/:name/openrpc.json",
    method: "GET",
    path: "/api/services/fixture/openrpc.json",
    expect: READ,
  },
  { route: "/api/scan", method: "POST", path: "/api/scan", expect: WRITE },
  { route: "/api/router-logs", method: "GET", path: "/api/router-logs", expect: READ },
  {
    route: "/api/router-logs/stream",
    method: "GET",
    path: "/api/router-logs/stream",
    expect: READ,
  },
  {
    route: "/api/dashboard/tools/:name",
    method: "GET",
    path: "/api/dashboard/tools/fixture",
    expect: READ,
  },
  {
    route: "/api/dashboard/probe/:name",
    method: "GET",
    path: "/api/dashboard/probe/fixture",
    expect: READ,
  },
  {
    route: "/api/dashboard/call",
    method: "POST",
    path: "/api/dashboard/call",
    body: JSON.stringify({ service: "fixture", method: "echo", params: { text: "hi" } }),
    expect: { ...READ, cookie: 403 },
  },
  {
    route: "/api/dashboard/call",
    method: "POST",
    path: "/api/dashboard/call",
    body: JSON.stringify({ service: "fixture", method: "add", params: { a: 1, b: 2 } }),
    expect: WRITE,
  },
  {
    route: "/api/*",
    method: "DELETE",
    path: "/api/services",
    expect: { ...WRITE, read: 405, admin: 405, owner: 405 },
  },
  {
    route: "/api/*",
    method: "GET",
    path: "/api/nothing",
    expect: { ...READ, read: 404, admin: 404, cookie: 404, owner: 404 },
  },
  {
    route: "/mcp",
    method: "POST",
    path: "/mcp",
    headers: mcpHeaders,
    body: mcpList,
    expect: { ...READ, cookie: 403 },
  },
  {
    route: "/mcp/*",
    method: "POST",
    path: "/mcp/fixture",
    headers: mcpHeaders,
    body: mcpList,
    expect: { ...READ, cookie: 403 },
  },
  { route: "/*", method: "GET", path: "/fixture/admin/echo", expect: READ },
  { route: "/*", method: "POST", path: "/fixture/admin/echo", body: "x", expect: WRITE },
  {
    route: "/*",
    method: "POST",
    path: "/fixture/rpc/rpc",
    headers: json,
    body: rpc("echo", { text: "hi" }),
    expect: { ...READ, cookie: 403 },
  },
  {
    route: "/*",
    method: "POST",
    path: "/fixture/rpc/rpc",
    headers: json,
    body: rpc("add", { a: 1, b: 2 }),
    expect: WRITE,
  },
  {
    route: "/*",
    method: "POST",
    path: "/fixture/rpc/rpc",
    headers: { "content-type": "text/plain" },
    body: rpc("echo", { text: "hi" }),
    expect: { none: 401, read: 415, admin: 415, cookie: 403, owner: 415 },
  },
  {
    route: "/*",
    method: "GET",
    path: "/nobody/admin/",
    expect: { ...READ, read: 404, admin: 404, cookie: 404, owner: 404 },
  },
];

describe("web surface: (route, caller) -> status", () => {
  let harness: RouterHarness;
  let svc: { close(): Promise<void> };

  before(async () => {
    harness = await startRouter();
    svc = await startFixtureService(harness.root, "fixture");
    await until(() => harness.app.registry.get("fixture")?.openrpc, 5000, "fixture");
  });
  after(async () => {
    await svc.close();
    await harness.close();
  });

  for (const row of ROWS) {
    it(`${row.method} ${row.path}${row.body?.includes('"add"') ? " (write method)" : ""}`, async () => {
      for (const caller of CALLERS) {
        const expected = typeof row.expect === "number" ? row.expect : row.expect[caller];
        const status = await send(harness, row, caller);
        assert.equal(status, expected, `${caller}: ${row.method} ${row.path}`);
      }
    });
  }

  it("a WebSocket upgrade through the proxy needs write access", async () => {
    const upgrade = (auth: string) =>
      rawHttp(
        harness.port,
        `GET /fixture/admin/ws HTTP/1.1\r\nhost: 127.0.0.1:${harness.port}\r\n${auth}` +
          "upgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-version: 13\r\n" +
          "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    assert.equal(statusOf(await upgrade("")), 401);
    assert.equal(statusOf(await upgrade(`authorization: Bearer ${READ_TOKEN}\r\n`)), 403);
    assert.equal(statusOf(await upgrade(`authorization: Bearer ${ADMIN_TOKEN}\r\n`)), 101);
    const foreign = await upgrade(
      `cookie: hero_admin=${ADMIN_TOKEN}\r\norigin: http://localhost:1\r\n`,
    );
    assert.equal(statusOf(foreign), 403, "a cookie upgrade from another origin is refused");
  });

  it("MCP lists a reader only the read-only tools and refuses it the others", async () => {
    const post = async (token: string, method: string, params: Record<string, unknown> = {}) => {
      const res = await fetch(`${harness.base}/mcp`, {
        method: "POST",
        headers: {
          ...mcpHeaders,
          "mcp-method": method,
          ...(params.name ? { "mcp-name": String(params.name) } : {}),
          authorization: `Bearer ${token}`,
        },
        body: mcp(method, params),
      });
      const text = await res.text();
      return JSON.parse(text.startsWith("{") ? text : /^data: (.*)$/m.exec(text)![1]);
    };
    const names = async (token: string) =>
      (await post(token, "tools/list")).result.tools.map((t: { name: string }) => t.name);
    assert.deepEqual((await names(READ_TOKEN)).filter((n: string) => n.startsWith("fixture_")), [
      "fixture_echo",
    ]);
    assert.deepEqual((await names(ADMIN_TOKEN)).filter((n: string) => n.startsWith("fixture_")), [
      "fixture_echo",
      "fixture_add",
    ]);
    const call = { name: "fixture_add", arguments: { a: 1, b: 2 } };
    const refused = (await post(READ_TOKEN, "tools/call", call)).result;
    assert.equal(refused.isError, true);
    assert.match(refused.content[0].text, /Forbidden/);
    const done = (await post(ADMIN_TOKEN, "tools/call", call)).result;
    assert.notEqual(done.isError, true);
    assert.match(JSON.stringify(done.content), /3/);
  });

  it("a cookie session writes with X-Hero-CSRF or as a same-origin page; never cross-site", async () => {
    const scan = (headers: Record<string, string>) =>
      fetch(`${harness.base}/api/scan`, {
        method: "POST",
        headers: { cookie: `hero_admin=${ADMIN_TOKEN}`, ...headers },
      }).then(async (r) => (await r.body?.cancel(), r.status));
    assert.equal(await scan({ "x-hero-csrf": "1" }), 200);
    assert.equal(await scan({ "sec-fetch-site": "same-origin" }), 200, "a plain form post");
    assert.equal(await scan({ "sec-fetch-site": "cross-site" }), 403);
    assert.equal(await scan({ "sec-fetch-site": "same-site" }), 403, "another port is not us");
    assert.equal(
      await scan({ "sec-fetch-site": "same-origin", origin: "http://localhost:1" }),
      403,
      "Fetch Metadata and Origin must agree",
    );
  });

  it("every route of the app has a row", () => {
    const covered = new Set(ROWS.map((r) => r.route));
    const routes = new Set(harness.app.routes.map((r) => r.path));
    for (const path of routes) assert.ok(covered.has(path), `no row covers ${path}`);
  });
});

async function send(harness: RouterHarness, row: Row, caller: Caller): Promise<number> {
  const headers: Record<string, string> = { ...row.headers };
  if (caller === "read") headers.authorization = `Bearer ${READ_TOKEN}`;
  if (caller === "admin") headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  if (caller === "cookie") headers.cookie = `hero_admin=${ADMIN_TOKEN}`;
  const base = caller === "owner" ? "http://localhost" : harness.base;
  const res = await fetch(base + row.path, {
    method: row.method,
    headers,
    body: row.body,
    redirect: "manual",
    ...(caller === "owner" ? { client: harness.adminClient } : {}),
  });
  await res.body?.cancel();
  return res.status;
}
