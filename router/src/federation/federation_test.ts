/**
 * Federation between two real routers on loopback (the network-namespace test in
 * e2e/federation_netns_test.ts runs it across hosts): router A follows router B with B's token;
 * B's services appear in A's registry, proxy, MCP gateway and metrics as `b/<service>`; the
 * caller's credential never reaches B; A's gate still decides who may write; B going away
 * marks its services unreachable within seconds (and their tools leave), B coming back on the
 * same address restores them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import {
  ADMIN_AUTH,
  ADMIN_TOKEN,
  READ_AUTH,
  type RouterHarness,
  startRouter,
} from "../test_support/router_harness.ts";
import { parsePeerEntries, parsePeerFlag } from "./peer_config.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "fed", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

describe("federation: router A serves router B's services as b/<service>", () => {
  let b: RouterHarness;
  let a: RouterHarness;
  let svc: { close(): Promise<void> };

  const startB = async (port = 0) => {
    b = await startRouter({ binds: [{ hostname: "127.0.0.1", port }] });
    svc = await startFixtureService(b.root, "fixture");
    await until(() => b.app.registry.get("fixture")?.openrpc, 5000, "fixture on B");
  };

  before(async () => {
    await startB();
    a = await startRouter({
      peers: [{ name: "b", url: b.base, token: ADMIN_TOKEN }],
      peerSilenceMs: 1500,
    });
    await until(() => a.app.registry.get("b/fixture")?.openrpc, 5000, "b/fixture on A");
  });
  after(async () => {
    await a?.close();
    await svc?.close();
    await b?.close();
  });

  const mcp = async (method: string, params: Record<string, unknown>, auth = ADMIN_AUTH) => {
    const res = await fetch(`${a.base}/mcp`, {
      method: "POST",
      headers: {
        ...auth,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": method,
        ...(params.name ? { "mcp-name": String(params.name) } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: META } }),
    });
    const text = await res.text();
    return JSON.parse(text.startsWith("{") ? text : /^data: (.*)$/m.exec(text)![1]).result;
  };

  it("lists B's services marked by host, with their documents, and not A's own twice", () => {
    const entry = a.app.registry.get("b/fixture")!.entry;
    assert.equal(entry.host, "b");
    assert.equal(entry.source, "peer");
    assert.equal(entry.health, "healthy");
    assert.equal(entry.rpcTarget, `${b.base}/fixture/rpc`);
    assert.ok(a.app.registry.get("b/hero_router"), "B's router is one of B's services");
    assert.equal(a.app.registry.get("b/b/fixture"), undefined);
    assert.equal(b.app.registry.list().filter((r) => r.entry.source === "peer").length, 0);
  });

  it("proxies /b/<service>/<socket>/… to B with B's token, never the caller's", async () => {
    const res = await fetch(`${a.base}/b/fixture/admin/echo/x?y=1`, {
      headers: { ...READ_AUTH, cookie: "hero_admin=secret; hero_sso=sealed; theme=dark" },
    });
    assert.equal(res.status, 200);
    const seen = await res.json();
    assert.equal(seen.path, "/echo/x");
    assert.equal(seen.search, "?y=1");
    assert.equal(seen.headers["x-forwarded-prefix"], "/b/fixture/admin");
    // B's gate took B's pinned token and, like for any caller, hands its service the signed
    // caller assertion instead of the token.
    assert.equal(seen.headers.authorization, undefined, "no token reaches B's service");
    assert.ok(seen.headers["x-hero-caller"], "B asserts who calls (A, with B's token)");
    assert.equal(seen.headers.cookie, "theme=dark", "A's sign-in cookies stay on A");
    const missing = await fetch(`${a.base}/b/nobody/admin/`, { headers: READ_AUTH });
    assert.equal(missing.status, 404, "B's own answer");
    await missing.body?.cancel();
    const bare = await fetch(`${a.base}/b/`, { headers: READ_AUTH });
    assert.equal(bare.status, 404);
    assert.match((await bare.json()).error, /give a service after the peer/);
  });

  it("keeps A's gate in charge: a reader may call read-only methods on B only", async () => {
    const call = (method: string, params: unknown, auth: Record<string, string>) =>
      fetch(`${a.base}/b/fixture/rpc/rpc`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
    const echo = await call("echo", { text: "hi" }, READ_AUTH);
    assert.equal(echo.status, 200);
    assert.equal((await echo.json()).result, "hi");
    const add = await call("add", { a: 1, b: 2 }, READ_AUTH);
    assert.equal(add.status, 403);
    await add.body?.cancel();
    const none = await call("echo", { text: "hi" }, {});
    assert.equal(none.status, 401);
    await none.body?.cancel();
    const admin = await call("add", { a: 1, b: 2 }, ADMIN_AUTH);
    assert.equal((await admin.json()).result, 3);
  });

  it("relays a WebSocket to B's service", async () => {
    const ws = new WebSocket(`${a.base.replace("http", "ws")}/b/fixture/admin/ws`, {
      headers: ADMIN_AUTH,
    } as unknown as string[]);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send("over the peer");
      ws.onmessage = (e) => resolve(String(e.data));
      ws.onerror = () => reject(new Error("websocket failed"));
    });
    assert.equal(reply, "over the peer");
    ws.close();
  });

  it("serves B's tools through A's MCP gateway with unique names", async () => {
    const names = (await mcp("tools/list", {})).tools.map((t: { name: string }) => t.name);
    assert.ok(names.includes("fixture_echo") === false, "A has no local fixture");
    assert.ok(names.includes("b_fixture_echo"), names.join(","));
    assert.ok(names.includes("b_fixture_add"));
    assert.equal(new Set(names).size, names.length);
    const done = await mcp("tools/call", { name: "b_fixture_add", arguments: { a: 2, b: 3 } });
    assert.notEqual(done.isError, true, JSON.stringify(done));
    assert.match(JSON.stringify(done.content), /5/);
    const refused = await mcp(
      "tools/call",
      { name: "b_fixture_add", arguments: { a: 2, b: 3 } },
      READ_AUTH,
    );
    assert.equal(refused.isError, true);
  });

  it("shows peers in router.peers, /api/health and /metrics", async () => {
    const rpc = await fetch("http://localhost/rpc", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "router.peers" }),
      client: a.rpcClient,
    });
    const [peer] = (await rpc.json()).result;
    assert.equal(peer.name, "b");
    assert.equal(peer.url, b.base);
    assert.equal(peer.up, true);
    assert.ok(peer.services >= 2);
    assert.equal(JSON.stringify(peer).includes(ADMIN_TOKEN), false, "the token is not shown");
    const health = await (await fetch(`${a.base}/api/health`, { headers: READ_AUTH })).json();
    assert.deepEqual(health.peers, [{ name: "b", up: true }]);
    const metrics = await (await fetch(`${a.base}/metrics`, { headers: READ_AUTH })).text();
    assert.match(metrics, /^hero_router_peer_up\{peer="b"\} 1$/m);
    assert.match(metrics, /^hero_router_service_up\{service="b\/fixture",host="b"\} 1$/m);
    assert.match(metrics, /^hero_router_proxy_requests_total\{service="b\/fixture",code="200"\}/m);
  });

  it("marks B's services unreachable within seconds when B goes, and restores them", async () => {
    const port = b.port;
    await svc.close();
    await b.close();
    const gone = performance.now();
    await until(
      () => a.app.registry.get("b/fixture")?.entry.health === "unreachable",
      6000,
      "b/fixture unreachable",
    );
    const seconds = (performance.now() - gone) / 1000;
    assert.ok(seconds < 5, `took ${seconds} s`);
    assert.equal(a.app.registry.get("b/fixture")!.openrpc, undefined, "its tools leave");
    const names = (await mcp("tools/list", {})).tools.map((t: { name: string }) => t.name);
    assert.ok(!names.includes("b_fixture_echo"));
    const res = await fetch(`${a.base}/b/fixture/admin/echo`, { headers: READ_AUTH });
    assert.equal(res.status, 502);
    assert.match((await res.json()).error, /peer router "b" is not answering/);
    await startB(port);
    await until(
      () => a.app.registry.get("b/fixture")?.entry.health === "healthy",
      8000,
      "b/fixture back",
    );
    assert.ok(a.app.registry.get("b/fixture")!.openrpc);
    const back = await fetch(`${a.base}/b/fixture/admin/echo`, { headers: READ_AUTH });
    assert.equal(back.status, 200);
    await back.body?.cancel();
  });
});

describe("peer configuration", () => {
  it("parses --peer NAME=URL and refuses reserved or malformed names", () => {
    assert.deepEqual(parsePeerFlag("hostb=http://10.0.0.2:9988/"), {
      name: "hostb",
      url: "http://10.0.0.2:9988",
    });
    assert.match(String(parsePeerFlag("mcp=http://x:1")), /reserved/);
    assert.match(String(parsePeerFlag("Host-B=http://x:1")), /cannot name a peer/);
    assert.match(String(parsePeerFlag("hostb")), /expected NAME=URL/);
    assert.match(String(parsePeerFlag("hostb=ftp://x")), /http:\/\/ or https:\/\//);
  });

  it("reads peers from manual_sources.json beside the sources", () => {
    const { peers, problems } = parsePeerEntries({
      sources: [],
      peers: [
        { name: "b", url: "http://10.0.0.2:9988", token_file: "/etc/hero/b.token" },
        { name: "c", url: "nope" },
      ],
    });
    assert.deepEqual(peers, [
      { name: "b", url: "http://10.0.0.2:9988", tokenFile: "/etc/hero/b.token" },
    ]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /not a URL/);
    assert.deepEqual(parsePeerEntries([{ name: "x", url: "http://y" }]).peers, []);
  });
});
