/**
 * The router's `/metrics` on a real router with a real fixture service: behind the gate (no
 * credential 401, the read-only token 200), what proxied requests, MCP calls and probes leave
 * in it, OpenMetrics when asked, and Prometheus' own `promtool check metrics` accepts the text.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import {
  ADMIN_AUTH,
  READ_AUTH,
  type RouterHarness,
  startRouter,
} from "../test_support/router_harness.ts";

describe("router /metrics", () => {
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

  const scrape = async (headers: Record<string, string> = READ_AUTH) => {
    const res = await fetch(`${harness.base}/metrics`, { headers });
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };
  const value = (text: string, series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(series + " "));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("needs a credential; the read-only token may scrape", async () => {
    assert.equal((await scrape({})).status, 401);
    const ok = await scrape();
    assert.equal(ok.status, 200);
    assert.match(ok.type ?? "", /^text\/plain; version=0\.0\.4/);
  });

  it("counts proxied requests by service and status, with their latency", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${harness.base}/fixture/admin/echo`, { headers: READ_AUTH });
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    const r = await fetch(`${harness.base}/fixture/admin/echo`, {
      method: "POST",
      headers: READ_AUTH,
    });
    assert.equal(r.status, 403);
    await r.body?.cancel();
    const unknown = await fetch(`${harness.base}/nobody_here/admin/`, { headers: READ_AUTH });
    await unknown.body?.cancel();
    const { text } = await scrape();
    assert.equal(value(text, 'hero_router_proxy_requests_total{service="fixture",code="200"}'), 3);
    assert.equal(value(text, 'hero_router_proxy_requests_total{service="fixture",code="403"}'), 1);
    assert.equal(
      value(text, 'hero_router_proxy_requests_total{service="(unknown)",code="404"}'),
      1,
      "a name nobody serves must not become a series of its own",
    );
    assert.equal(
      value(text, 'hero_router_proxy_request_duration_seconds_count{service="fixture"}'),
      4,
    );
    assert.ok(
      value(
        text,
        'hero_router_proxy_request_duration_seconds_bucket{le="10",service="fixture"}',
      ) ===
        4,
    );
  });

  it("counts MCP tool calls, probes and services by health", async () => {
    const res = await fetch(`${harness.base}/mcp`, {
      method: "POST",
      headers: {
        ...ADMIN_AUTH,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "fixture_add",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: {
          name: "fixture_add",
          arguments: { a: 1, b: 2 },
          _meta: {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        },
      }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const { text } = await scrape();
    assert.equal(
      value(text, 'hero_router_mcp_tool_calls_total{service="fixture",outcome="ok"}'),
      1,
    );
    assert.ok((value(text, 'hero_router_discovery_probes_total{result="healthy"}') ?? 0) >= 1);
    assert.equal(value(text, 'hero_router_services{health="healthy"}'), 2, "fixture + router");
    assert.equal(value(text, 'hero_router_service_up{service="fixture",host=""}'), 1);
  });

  it("answers OpenMetrics to a scraper that asks for it", async () => {
    const om = await scrape({
      ...READ_AUTH,
      accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
    });
    assert.match(om.type ?? "", /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(om.text, /# EOF\n?$/);
  });

  it("passes promtool check metrics", async () => {
    const { text } = await scrape();
    const cmd = new Deno.Command("promtool", {
      args: ["check", "metrics"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = cmd.stdin.getWriter();
    await w.write(new TextEncoder().encode(text));
    await w.close();
    const out = await cmd.output();
    const said = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, said);
    assert.equal(said.trim(), "", said);
  });
});
