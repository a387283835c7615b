/**
 * The gateway with the official v2 MCP client (`@modelcontextprotocol/client`): the stateless
 * 2026-07-28 era (pinned and negotiated with `server/discover`) and the 2025 era it falls back to.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { GatewayHarness } from "./test_fixtures.ts";

function modernClient(): Client {
  return new Client({ name: "v2-test", version: "1.0.0" }, {
    versionNegotiation: { mode: { pin: "2026-07-28" } },
  });
}

describe("MCP gateway with the v2 client, 2026-07-28 era", () => {
  const harness = new GatewayHarness();
  let client: Client;

  before(async () => {
    await harness.addService("example");
    await harness.start();
    client = modernClient();
    await client.connect(new StreamableHTTPClientTransport(harness.url));
  });
  after(async () => {
    await client?.close();
    await harness.close();
  });

  it("negotiates the stateless era", () => {
    assert.equal(client.getProtocolEra(), "modern");
    assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28");
    assert.equal(client.getServerVersion()?.name, "hero_router");
  });

  it("lists every method as a tool", async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), [
      "example_greet",
      "example_add",
      "example_fail",
      "example_wait",
      "example_tree_count",
    ]);
    assert.deepEqual(tools[2].annotations, { destructiveHint: true });
  });

  it("calls a by-name method", async () => {
    const res = await client.callTool({ name: "example_greet", arguments: { name: "Bo" } });
    assert.deepEqual(res.structuredContent, { greeting: "Hello, Bo." });
  });

  it("calls a by-position method", async () => {
    const res = await client.callTool({ name: "example_add", arguments: { a: 1.5, b: 2 } });
    assert.deepEqual(res.structuredContent, { result: 3.5 });
  });

  it("returns a JSON-RPC error as an isError result", async () => {
    const res = await client.callTool({ name: "example_fail", arguments: {} });
    assert.equal(res.isError, true);
    assert.deepEqual(res.structuredContent, {
      error: { code: 4001, message: "It failed on purpose", data: { reason: "test" } },
    });
  });

  it("passes invalid params back as an isError result from the service", async () => {
    const res = await client.callTool({ name: "example_greet", arguments: { name: "" } });
    assert.equal(res.isError, true);
    assert.equal((res.structuredContent as { error: { code: number } }).error.code, -32602);
  });

  it("resolves a recursive $ref into $defs and calls it", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "example_tree_count")!;
    const schema = tool.inputSchema as Record<string, Record<string, unknown>>;
    assert.ok(schema.$defs.Tree, "recursive schema lands in $defs");
    const tree = { label: "a", children: [{ label: "b" }, { label: "c", children: [] }] };
    const res = await client.callTool({ name: "example_tree_count", arguments: { tree } });
    assert.deepEqual(res.structuredContent, { result: 3 });
  });
});

describe("MCP gateway with the v2 client, negotiation", () => {
  const harness = new GatewayHarness();
  before(async () => {
    await harness.addService("example");
    await harness.start();
  });
  after(() => harness.close());

  it("auto mode picks the 2026-07-28 era via server/discover", async () => {
    const client = new Client({ name: "v2-auto", version: "1.0.0" }, {
      versionNegotiation: { mode: "auto" },
    });
    await client.connect(new StreamableHTTPClientTransport(harness.url));
    try {
      assert.equal(client.getNegotiatedProtocolVersion(), "2026-07-28");
      assert.ok(client.getDiscoverResult(), "server/discover answered");
      const { tools } = await client.listTools();
      assert.equal(tools.length, 5);
    } finally {
      await client.close();
    }
  });

  it("legacy mode gets a 2025-11-25 session from the same endpoint", async () => {
    const client = new Client({ name: "v2-legacy", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(harness.url);
    await client.connect(transport);
    try {
      assert.ok(transport.sessionId, "a session id was issued");
      assert.equal(client.getProtocolEra(), "legacy");
      assert.equal(client.getNegotiatedProtocolVersion(), "2025-11-25");
      const res = await client.callTool({ name: "example_add", arguments: { a: 1, b: 2 } });
      assert.deepEqual(res.structuredContent, { result: 3 });
    } finally {
      await client.close();
    }
  });
});
