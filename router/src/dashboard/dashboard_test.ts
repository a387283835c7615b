/**
 * The dashboard on a real router with a real fixture service: pages, theme, tools, probe
 * timings, router logs, "try it" refused without a session, limited to read-only methods for
 * the read-only token and open to the admin session, and the whitelist in front of everything.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../log/logger.ts";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import {
  ADMIN_TOKEN as TOKEN,
  rawHttp,
  READ_AUTH,
  startRouter,
  statusOf,
} from "../test_support/router_harness.ts";
import { RouterLogRing } from "./log_ring.ts";

async function withDashboard(
  fn: (base: string, logs: RouterLogRing, port: number) => Promise<void>,
  whitelist?: string[],
) {
  const logs = new RouterLogRing(50);
  const logger = logs.wrap(createLogger({ level: "debug", write: () => {} }));
  const harness = await startRouter({ logger, logs, ...(whitelist ? { whitelist } : {}) });
  const svc = await startFixtureService(harness.root, "fixture");
  try {
    await until(
      () => harness.app.registry.get("fixture")?.entry.health === "healthy",
      5000,
      "fixture",
    );
    await fn(harness.base, logs, harness.port);
  } finally {
    await svc.close();
    await harness.close();
  }
}

test("a rescan over TCP needs the admin session and the CSRF header", async () => {
  await withDashboard(async (base) => {
    const scan = (headers: Record<string, string>) =>
      fetch(`${base}/api/scan`, { method: "POST", headers });
    const refused = await scan({});
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get("www-authenticate") ?? "", /^Bearer/);
    await refused.body?.cancel();
    const reader = await scan(READ_AUTH);
    assert.equal(reader.status, 403);
    assert.match((await reader.json()).error, /may only read/);
    const login = await fetch(`${base}/?token=${TOKEN}`, { redirect: "manual" });
    await login.body?.cancel();
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const noCsrf = await scan({ cookie });
    assert.equal(noCsrf.status, 403);
    await noCsrf.body?.cancel();
    const ok = await scan({ cookie, "x-hero-csrf": "1" });
    assert.equal(ok.status, 200);
    assert.ok((await ok.json()).services >= 2, "the router and the fixture were rescanned");
  });
});

test("pages and assets are served in the shared theme", async () => {
  await withDashboard(async (base) => {
    for (const path of ["/", "/service/fixture", "/router-logs"]) {
      const res = await fetch(base + path, { headers: READ_AUTH });
      const html = await res.text();
      assert.equal(res.status, 200, path);
      assert.match(html, /href="\/css\/hero.css"/);
      assert.match(html, /read-only/, "the read-only token sees the read-only badge");
      const admin = await fetch(base + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.match(await admin.text(), /admin session/);
      const anonymous = await fetch(base + path, { headers: { accept: "text/html" } });
      assert.equal(anonymous.status, 401, "a browser without a session gets the login page");
      assert.match(await anonymous.text(), /Sign in to Hero/);
    }
    assert.match(await (await fetch(`${base}/css/hero.css`)).text(), /data-theme="light"/);
    for (const js of ["overview.js", "service.js", "router_logs.js", "json_form.js", "nav.js"]) {
      const res = await fetch(`${base}/js/dashboard/${js}`, { headers: READ_AUTH });
      assert.equal(res.status, 200, js);
      await res.body?.cancel();
    }
    const traversal = await fetch(`${base}/js/dashboard/../dashboard.ts`, { headers: READ_AUTH });
    assert.equal(traversal.status, 404);
    await traversal.body?.cancel();
    const badName = await fetch(`${base}/service/Not-A-Name`, { headers: READ_AUTH });
    assert.equal(badName.status, 404);
    await badName.body?.cancel();
  });
});

test("?token= signs in: the cookie then allows try-it calls; without it they are refused", async () => {
  await withDashboard(async (base) => {
    const call = (
      headers: Record<string, string>,
      method = "add",
      params: object = { a: 2, b: 40 },
    ) =>
      fetch(`${base}/api/dashboard/call`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ service: "fixture", method, params }),
      });
    const refused = await call({});
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const reader = await call(READ_AUTH);
    assert.equal(reader.status, 403, "add is not marked read-only");
    assert.match((await reader.json()).error, /"add" of "fixture" is not marked read-only/);
    const readOnly = await (await call(READ_AUTH, "echo", { text: "hi" })).json();
    assert.equal(readOnly.ok, true, "echo is marked read-only: the read-only token may call it");
    assert.equal(readOnly.result, "hi");
    const login = await fetch(`${base}/?token=${TOKEN}`, { redirect: "manual" });
    assert.equal(login.status, 303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const noCsrf = await call({ cookie });
    assert.equal(noCsrf.status, 403);
    await noCsrf.body?.cancel();
    const ok = await call({ cookie, "x-hero-csrf": "1" });
    const body = await ok.json();
    assert.equal(ok.status, 200);
    assert.equal(body.ok, true);
    assert.equal(body.result, 42);
    const page = await (await fetch(`${base}/`, { headers: { cookie } })).text();
    assert.match(page, /admin session/);
    const bad = await fetch(`${base}/api/dashboard/call`, {
      method: "POST",
      headers: { cookie, "x-hero-csrf": "1" },
      body: JSON.stringify({ service: "fixture", method: "echo", params: {} }),
    });
    const err = await bad.json();
    assert.equal(err.ok, false, "a JSON-RPC error is a result of the call, not an HTTP error");
    assert.equal(err.error.code, -32602);
    const notJson = await fetch(`${base}/api/dashboard/call`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: "{",
    });
    assert.equal(notJson.status, 400);
    await notJson.body?.cancel();
  });
});

test("tools, probe timings and router logs", async () => {
  await withDashboard(async (base, logs) => {
    const { tools } =
      await (await fetch(`${base}/api/dashboard/tools/fixture`, { headers: READ_AUTH })).json();
    assert.deepEqual(tools.map((t: { name: string }) => t.name), ["fixture_echo", "fixture_add"]);
    assert.deepEqual(tools[0].inputSchema.required, ["text"]);
    const probe = await (await fetch(`${base}/api/dashboard/probe/fixture`, { headers: READ_AUTH }))
      .json();
    const health = probe.timings.find((t: { socket: string; path: string }) =>
      t.socket === "rpc" && t.path === "/health"
    );
    assert.equal(health.status, 200);
    assert.ok(health.ms >= 0);
    const nope = await fetch(`${base}/api/dashboard/probe/nope`, { headers: READ_AUTH });
    assert.equal(nope.status, 404);
    await nope.body?.cancel();
    logs.record("warn", "something to see");
    const { lines } = await (await fetch(`${base}/api/router-logs`, { headers: READ_AUTH })).json();
    assert.ok(lines.some((l: { message: string }) => l.message.includes("service.added fixture")));
    assert.equal(lines.at(-1).message, "something to see");
  });
});

test("the router log follows new lines over SSE", async () => {
  await withDashboard(async (base, logs) => {
    const res = await fetch(`${base}/api/router-logs/stream`, { headers: READ_AUTH });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("event: snapshot")) text += (await reader.read()).value ?? "";
    logs.record("info", "a fresh line");
    while (!text.includes("a fresh line")) text += (await reader.read()).value ?? "";
    assert.match(
      text,
      /event: line\ndata: \{"id":\d+,"ts":\d+,"level":"info","message":"a fresh line"\}/,
    );
    await reader.cancel();
  });
});

test("a TCP peer outside the whitelist gets nothing, not even with the token", async () => {
  await withDashboard(async (_base, _logs, port) => {
    for (const path of ["/", `/?token=${TOKEN}`]) {
      const raw = await rawHttp(
        port,
        `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n\r\n`,
      );
      assert.equal(statusOf(raw), 403);
      assert.match(raw, /not in the IP whitelist/);
    }
    const raw = await rawHttp(
      port,
      `POST /api/dashboard/call HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${TOKEN}\r\n` +
        `content-length: 2\r\nconnection: close\r\n\r\n{}`,
    );
    assert.equal(statusOf(raw), 403);
  }, ["10.0.0.0/8"]);
});
