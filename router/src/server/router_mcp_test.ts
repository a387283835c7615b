/**
 * The MCP gateway as mounted in the real router: a service that appears on the socket root is
 * discovered, listed as tools at /mcp on the TCP listener, and called through the official
 * v1 client; one that goes away leaves the tool list.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { defineApi, defineMethod, HeroServer } from "@hero/sdk";
import { ADMIN_AUTH, startRouter } from "../test_support/router_harness.ts";

const calcApi = () =>
  defineApi({
    info: { title: "Calc", version: "1.0.0" },
    methods: [defineMethod<{ a: number; b: number }, number>({
      name: "add",
      summary: "Adds two numbers",
      paramStructure: "by-position",
      params: [
        { name: "a", schema: { type: "number" }, required: true },
        { name: "b", schema: { type: "number" }, required: true },
      ],
      result: { name: "sum", schema: { type: "number" } },
      annotations: { readOnlyHint: true },
      handler: ({ a, b }) => a + b,
    })],
  });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("router with the MCP gateway mounted", () => {
  it("lists and calls the tools of discovered services at /mcp over TCP", async () => {
    const harness = await startRouter();
    const client = new Client({ name: "router-mcp-test", version: "1.0.0" });
    let calc: HeroServer | undefined;
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${harness.base}/mcp`), {
          requestInit: { headers: ADMIN_AUTH },
        }),
      );
      const names = async () => (await client.listTools()).tools.map((t) => t.name);
      // The router discovers its own rpc.sock too, so its router.* methods are tools as well.
      assert.ok((await names()).includes("hero_router_router_services"));
      assert.ok(!(await names()).some((n) => n.startsWith("calc_")));
      calc = new HeroServer({ name: "calc", api: calcApi(), socketRoot: harness.root });
      await calc.start();
      await until(
        async () => (await names()).includes("calc_add"),
        "calc_add to be listed",
      );
      const tool = (await client.listTools()).tools.find((t) => t.name === "calc_add")!;
      assert.deepEqual(tool.inputSchema.required, ["a", "b"]);
      assert.equal(tool.annotations?.readOnlyHint, true);
      const res = await client.callTool({ name: "calc_add", arguments: { a: 2, b: 40 } });
      // Non-object results are wrapped, since MCP structured content must be an object.
      assert.deepEqual(res.structuredContent, { result: 42 });
      await calc.close();
      calc = undefined;
      await until(async () => !(await names()).includes("calc_add"), "calc to go away");
    } finally {
      await client.close();
      await calc?.close();
      await harness.close();
    }
  });
});
