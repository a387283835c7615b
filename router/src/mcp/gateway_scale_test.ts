/**
 * 100 real services x 20 methods behind one gateway, listed and called by both official
 * clients; one service with broken methods costs only those tools.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as V2Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { GatewayHarness, numberedApi } from "./test_fixtures.ts";

const SERVICES = 100;
const METHODS = 20;

describe(`${SERVICES} services x ${METHODS} methods`, () => {
  const harness = new GatewayHarness();
  before(async () => {
    for (let i = 0; i < SERVICES; i++) await harness.addService(`svc${i}`, numberedApi(i));
    harness.source.put({
      name: "broken",
      rpcSocketPath: "/nonexistent/rpc.sock",
      document: {
        openrpc: "1.3.2",
        info: { title: "Broken", version: "0" },
        methods: [
          { name: "fine", params: [] },
          { name: "bad", params: [{ name: "a", schema: { $ref: "#/components/schemas/Gone" } }] },
        ],
      },
    });
    await harness.start();
  });
  after(() => harness.close());

  it("lists every tool with the v1 client and calls far-apart ones", async () => {
    const client = new V1Client({ name: "v1-scale", version: "1.0.0" });
    await client.connect(new V1Transport(harness.url));
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, SERVICES * METHODS + 1);
      assert.equal(new Set(tools.map((t) => t.name)).size, tools.length);
      assert.ok(tools.some((t) => t.name === "broken_fine"));
      assert.ok(!tools.some((t) => t.name === "broken_bad"));
      const res = await client.callTool({ name: "svc57_m13", arguments: { x: 5 } });
      assert.deepEqual(res.structuredContent, { service: 57, method: 13, x: 5 });
    } finally {
      await client.close();
    }
    assert.ok(harness.logs.some((l) => /dropped the tool for broken method "bad"/.test(l)));
  });

  it("lists every tool with the v2 client (2026-07-28) and calls in parallel", async () => {
    const client = new V2Client({ name: "v2-scale", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await client.connect(new StreamableHTTPClientTransport(harness.url));
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, SERVICES * METHODS + 1);
      const calls = await Promise.all(
        Array.from(
          { length: 50 },
          (_, k) => client.callTool({ name: `svc${k * 2}_m${k % METHODS}`, arguments: { x: k } }),
        ),
      );
      calls.forEach((res, k) =>
        assert.deepEqual(res.structuredContent, { service: k * 2, method: k % METHODS, x: k })
      );
    } finally {
      await client.close();
    }
  });
});
