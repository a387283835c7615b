/** The gateway with the official v1 MCP client (`@modelcontextprotocol/sdk`), 2025-11-25 era. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exampleApi, GatewayHarness } from "./test_fixtures.ts";

describe("MCP gateway with the v1 client", () => {
  const harness = new GatewayHarness();
  let client: Client;
  let cancelled = Promise.withResolvers<void>();

  before(async () => {
    await harness.addService(
      "example",
      exampleApi("Example", { onCancel: () => cancelled.resolve() }),
    );
    await harness.start();
    client = new Client({ name: "v1-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(harness.url));
  });
  after(async () => {
    await client?.close();
    await harness.close();
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
    const greet = tools[0];
    assert.equal(greet.description, "Greets someone\n\nReturns a greeting for the given name.");
    assert.deepEqual(greet.inputSchema.required, ["name"]);
    assert.deepEqual(greet.annotations, { readOnlyHint: true, idempotentHint: true });
  });

  it("calls a by-name method", async () => {
    const res = await client.callTool({ name: "example_greet", arguments: { name: "Ada" } });
    assert.equal(res.isError, undefined);
    assert.deepEqual(res.structuredContent, { greeting: "Hello, Ada." });
    assert.deepEqual(res.content, [{ type: "text", text: '{"greeting":"Hello, Ada."}' }]);
  });

  it("calls a by-position method", async () => {
    const res = await client.callTool({ name: "example_add", arguments: { a: 2, b: 40 } });
    assert.deepEqual(res.structuredContent, { result: 42 });
  });

  it("returns a JSON-RPC error as an isError result", async () => {
    const res = await client.callTool({ name: "example_fail", arguments: {} });
    assert.equal(res.isError, true);
    assert.deepEqual(res.structuredContent, {
      error: { code: 4001, message: "It failed on purpose", data: { reason: "test" } },
    });
  });

  it("cancels the service call when the client cancels the tool call", async () => {
    cancelled = Promise.withResolvers<void>();
    const ctl = new AbortController();
    const call = client.callTool({ name: "example_wait", arguments: {} }, undefined, {
      signal: ctl.signal,
    });
    setTimeout(() => ctl.abort(), 100);
    await assert.rejects(call, /abort/i);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      cancelled.promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("service never saw the cancel")), 3000);
      }),
    ]).finally(() => clearTimeout(timer));
  });
});
