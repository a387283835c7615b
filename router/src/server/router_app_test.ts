/** End-to-end tests of the router's two sockets, its API, SSE and the TCP security gates. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcClient } from "@hero/sdk";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import {
  ADMIN_AUTH,
  ADMIN_TOKEN,
  rawHttp,
  startRouter,
  statusOf,
} from "../test_support/router_harness.ts";

test("rpc.sock serves router.* methods, OpenRPC, health and an openrpc manifest, never HTML", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  const rpc = new RpcClient(harness.app.sockets.rpc);
  try {
    await rpc.call("router.scan");
    const services = await rpc.call<{ name: string; health: string }[]>("router.services");
    const alpha = services.find((s) => s.name === "alpha");
    assert.equal(alpha?.health, "healthy");
    assert.ok(services.some((s) => s.name === "hero_router"), "the router discovers itself");
    const one = await rpc.call<{ openrpc: { methods: unknown[] } }>("router.service", {
      name: "alpha",
    });
    assert.equal(one.openrpc.methods.length, 2);
    await assert.rejects(rpc.call("router.service", { name: "nope" }), /not known/);
    const health = await rpc.call<{ status: string; byHealth: Record<string, number> }>(
      "router.health",
    );
    assert.equal(health.status, "ok");
    assert.ok(health.byHealth.healthy >= 2);
    const cache = await rpc.call<{ services: { name: string }[] }>("router.cache.inspect");
    assert.ok(cache.services.some((s) => s.name === "alpha"));
    const doc = await (await fetch("http://x/openrpc.json", { client: harness.rpcClient })).json();
    assert.deepEqual(
      doc.methods.map((m: { name: string }) => m.name),
      [
        "router.services",
        "router.service",
        "router.openrpc",
        "router.scan",
        "router.health",
        "router.peers",
        "router.cache.inspect",
      ],
    );
    const manifest =
      await (await fetch("http://x/.well-known/heroservice.json", { client: harness.rpcClient }))
        .json();
    assert.equal(manifest.protocol, "openrpc");
    for (const path of ["/", "/index.html", "/api/services", "/alpha/admin/"]) {
      const res = await fetch(`http://x${path}`, {
        client: harness.rpcClient,
        headers: { accept: "text/html" },
      });
      const type = res.headers.get("content-type") ?? "";
      await res.body?.cancel();
      assert.ok(!type.includes("html"), `${path} answered ${type}`);
    }
  } finally {
    rpc.close();
    await svc.close();
    await harness.close();
  }
});

test("admin.sock serves the ui manifest, dashboard and /api, and never accepts POST /rpc", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await harness.app.registry.get("alpha") ??
      await until(() => harness.app.registry.get("alpha"), 1000);
    for (const base of ["http://x", harness.base]) {
      const client = base === "http://x" ? harness.adminClient : undefined;
      // admin.sock trusts its owner; TCP needs the token.
      const headers = client ? {} : ADMIN_AUTH;
      const post = await fetch(`${base}/rpc`, {
        method: "POST",
        client,
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "router.services" }),
      });
      assert.equal(post.status, 405, base);
      assert.doesNotMatch(await post.text(), /"result"/);
      const m = await (await fetch(`${base}/.well-known/heroservice.json`, { client, headers }))
        .json();
      assert.equal(m.protocol, "ui");
      const page = await fetch(`${base}/`, { client, headers });
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
      await page.body?.cancel();
      const list = await (await fetch(`${base}/api/services`, { client, headers })).json();
      assert.ok(list.services.some((s: { name: string }) => s.name === "alpha"));
      const detail =
        await (await fetch(`${base}/api/services/alpha/openrpc.json`, { client, headers }))
          .json();
      assert.equal(detail.info.title, "Fixture alpha");
      assert.equal(
        await fetch(`${base}/api/nothing`, { client, headers }).then((r) =>
          r.body?.cancel().then(() => r.status)
        ),
        404,
      );
      const scan = await fetch(`${base}/api/scan`, { method: "POST", client, headers });
      assert.ok((await scan.json()).services >= 2);
    }
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("/api/events streams service.added and service.removed within 1 s", async () => {
  const harness = await startRouter();
  const res = await fetch(`${harness.base}/api/events`, { headers: ADMIN_AUTH });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const waitFor = async (pattern: RegExp) => {
    const end = Date.now() + 1000;
    while (!pattern.test(text)) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} within 1 s; got ${text.slice(-300)}`);
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ value?: string }>((r) => setTimeout(() => r({}), left)),
      ]);
      text += chunk.value ?? "";
    }
  };
  try {
    await waitFor(/event: snapshot/);
    const svc = await startFixtureService(harness.root, "newcomer");
    await waitFor(/event: service\.added\ndata: \{"service":\{"name":"newcomer"/);
    await waitFor(
      /event: service\.changed\ndata: \{"service":\{"name":"newcomer"[^\n]*"health":"healthy"/,
    );
    await svc.close();
    await waitFor(/event: service\.removed\ndata: \{"service":\{"name":"newcomer"/);
  } finally {
    await reader.cancel();
    await harness.close();
  }
});

test("TCP: peers outside the whitelist get 403", async () => {
  const harness = await startRouter({ whitelist: ["10.0.0.0/8", "fd00::/8"] });
  try {
    const res = await fetch(`${harness.base}/api/services`, { headers: ADMIN_AUTH });
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /127\.0\.0\.1 is not in the IP whitelist/);
    // The Unix socket is not subject to the TCP whitelist.
    const viaSocket = await fetch("http://x/api/services", { client: harness.adminClient });
    assert.equal(viaSocket.status, 200);
    await viaSocket.body?.cancel();
  } finally {
    await harness.close();
  }
});

test("TCP: IPv6 listener and default loopback whitelist", async () => {
  const harness = await startRouter({
    binds: [{ hostname: "127.0.0.1", port: 0 }, { hostname: "::1", port: 0 }],
  });
  try {
    assert.equal(harness.app.tcpAddresses.length, 2);
    const v6 = harness.app.tcpAddresses[1];
    assert.match(v6, /^\[::1\]:\d+$/);
    const res = await fetch(`http://${v6}/health`, { headers: ADMIN_AUTH });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await harness.close();
  }
});

test("TCP: foreign Host or Origin is refused (DNS rebinding)", async () => {
  const harness = await startRouter();
  try {
    const req = (headers: string) =>
      rawHttp(
        harness.port,
        `GET /api/services HTTP/1.1\r\n${headers}authorization: Bearer ${ADMIN_TOKEN}\r\n` +
          "connection: close\r\n\r\n",
      );
    assert.equal(statusOf(await req(`host: 127.0.0.1:${harness.port}\r\n`)), 200);
    assert.equal(statusOf(await req(`host: localhost:${harness.port}\r\n`)), 200);
    const evil = await req(`host: evil.example:${harness.port}\r\n`);
    assert.equal(statusOf(evil), 403);
    assert.match(evil, /DNS rebinding/);
    const origin = await req(`host: 127.0.0.1:${harness.port}\r\norigin: http://evil.example\r\n`);
    assert.equal(statusOf(origin), 403);
  } finally {
    await harness.close();
  }
});

test("zero TCP listeners keeps both sockets", async () => {
  const harness = await startRouter({ binds: [] });
  try {
    assert.deepEqual(harness.app.tcpAddresses, []);
    const res = await fetch("http://x/health", { client: harness.adminClient });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await harness.close();
  }
});

test("TCP: a dual-stack [::] listener allows IPv4 (possibly as ::ffff:127.0.0.1) and IPv6 loopback", async () => {
  const harness = await startRouter({ binds: [{ hostname: "::", port: 0 }] });
  try {
    const port = Number(harness.app.tcpAddresses[0].split(":").at(-1));
    const v4 = await fetch(`http://127.0.0.1:${port}/health`, { headers: ADMIN_AUTH });
    assert.equal(v4.status, 200);
    await v4.body?.cancel();
    const v6 = await fetch(`http://[::1]:${port}/health`, { headers: ADMIN_AUTH });
    assert.equal(v6.status, 200);
    await v6.body?.cancel();
  } finally {
    await harness.close();
  }
});
