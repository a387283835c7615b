/**
 * Long and failing calls through the router's gateway, with the official clients: progress from
 * a service reaches the client (both eras), a client that cancels (2025: notifications/cancelled;
 * 2026: closing its request) aborts the service's handler, arguments that do not fit the schema
 * never reach the service, files come back as images, and a call that finds a dead socket makes
 * the router look again at once, so the dead tools leave the list.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { binarySchema, defineApi, defineMethod, HeroServer, RpcError } from "@hero/sdk";
import { ADMIN_AUTH, type RouterHarness, startRouter } from "../test_support/router_harness.ts";
import { RED_PIXEL_PNG } from "./conformance/fixture_services.ts";

const seen = { calls: 0, cancelled: 0 };

const longApi = () =>
  defineApi({
    info: { title: "Long", version: "1.0.0" },
    methods: [
      defineMethod<{ steps: number }>({
        name: "count",
        summary: "Counts slowly, reporting progress",
        params: [{ name: "steps", schema: { type: "integer", minimum: 1 }, required: true }],
        result: { name: "counted", schema: { type: "integer" } },
        handler: async ({ steps }, ctx) => {
          seen.calls++;
          ctx.signal.addEventListener("abort", () => seen.cancelled++, { once: true });
          for (let i = 1; i <= steps; i++) {
            await new Promise<void>((resolve, reject) => {
              const t = setTimeout(resolve, 40);
              const stop = () => {
                clearTimeout(t);
                reject(new RpcError(-32800, "cancelled"));
              };
              if (ctx.signal.aborted) stop();
              ctx.signal.addEventListener("abort", stop, { once: true });
            });
            ctx.progress({ progress: i, total: steps, message: `step ${i}` });
          }
          return steps;
        },
      }),
      defineMethod({
        name: "picture",
        summary: "Returns a PNG with a caption",
        params: [],
        result: {
          name: "picture",
          schema: {
            type: "object",
            properties: { caption: { type: "string" }, png: binarySchema("image/png") },
          },
        },
        handler: () => ({ caption: "red", png: RED_PIXEL_PNG }),
      }),
    ],
  });

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("MCP gateway: long calls, files, argument checks, dead sockets", () => {
  let harness: RouterHarness;
  let service: HeroServer;
  before(async () => {
    harness = await startRouter();
    service = new HeroServer({ name: "long", api: longApi(), socketRoot: harness.root });
    await service.start();
    await until(() => harness.app.mcp.tools("long").tools.length === 2, "the long service's tools");
  });
  after(async () => {
    await service?.close();
    await harness?.close();
  });

  const modern = async () => {
    const client = new Client({ name: "long-2026", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${harness.base}/mcp`), {
        requestInit: { headers: ADMIN_AUTH },
      }),
    );
    return client;
  };
  const legacy = async () => {
    const client = new V1Client({ name: "long-2025", version: "1.0.0" });
    await client.connect(
      new V1Transport(new URL(`${harness.base}/mcp`), { requestInit: { headers: ADMIN_AUTH } }),
    );
    return client;
  };

  it("relays progress to a 2026-07-28 client", async () => {
    const client = await modern();
    try {
      const progress: unknown[] = [];
      const res = await client.callTool({ name: "long_count", arguments: { steps: 3 } }, {
        onprogress: (p) => progress.push([p.progress, p.total, p.message]),
      });
      assert.deepEqual(res.structuredContent, { result: 3 });
      assert.deepEqual(progress, [[1, 3, "step 1"], [2, 3, "step 2"], [3, 3, "step 3"]]);
    } finally {
      await client.close();
    }
  });

  it("relays progress to a 2025-11-25 client", async () => {
    const client = await legacy();
    try {
      const progress: number[] = [];
      const res = await client.callTool(
        { name: "long_count", arguments: { steps: 2 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress) },
      );
      assert.deepEqual(res.structuredContent, { result: 2 });
      assert.deepEqual(progress, [1, 2]);
    } finally {
      await client.close();
    }
  });

  for (const era of ["2026-07-28", "2025-11-25"]) {
    it(`cancels the service's handler when a ${era} client cancels`, async () => {
      const client = era === "2025-11-25" ? await legacy() : await modern();
      try {
        const before = seen.cancelled;
        const ctl = new AbortController();
        // Cancelled once the first progress report shows the handler is running.
        const options = { signal: ctl.signal, onprogress: () => ctl.abort() };
        const params = { name: "long_count", arguments: { steps: 100 } };
        const call = client instanceof V1Client
          ? client.callTool(params, undefined, options)
          : client.callTool(params, options);
        await assert.rejects(call);
        await until(() => seen.cancelled === before + 1, "the handler to see its signal abort");
      } finally {
        await client.close();
      }
    });
  }

  it("refuses arguments that do not fit the schema without calling the service", async () => {
    const client = await legacy();
    try {
      const before = seen.calls;
      const res = await client.callTool({ name: "long_count", arguments: { steps: "many" } });
      assert.equal(res.isError, true);
      const text = (res.content as { text: string }[])[0].text;
      assert.match(text, /Invalid arguments for tool "long_count": argument steps must be integer/);
      const extra = await client.callTool({ name: "long_count", arguments: { steps: 1, x: 1 } });
      assert.equal(extra.isError, true);
      assert.match((extra.content as { text: string }[])[0].text, /additional properties/);
      assert.equal(seen.calls, before, "nothing reached the service");
    } finally {
      await client.close();
    }
  });

  it("returns a file in the result as image content beside the rest as text", async () => {
    for (const client of [await legacy(), await modern()]) {
      try {
        const res = await client.callTool({ name: "long_picture", arguments: {} });
        const content = res.content as Record<string, unknown>[];
        assert.equal(content[1].type, "image");
        assert.equal(content[1].mimeType, "image/png");
        assert.equal(content[1].data, RED_PIXEL_PNG);
        assert.deepEqual(res.structuredContent, {
          caption: "red",
          png: "[image image/png, 69 bytes: content block 1]",
        });
        assert.equal(content[0].type, "text");
      } finally {
        await client.close();
      }
    }
  });

  it("drops the tools of a service whose socket is dead right after a call fails", async () => {
    // A service in another process (Node, which finds the SDK's npm dependencies from its
    // files wherever the script is), killed with SIGKILL: its socket file stays behind.
    const script = `${harness.root}/doomed.ts`;
    const sdk = new URL("../../../sdk/mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { defineApi, defineMethod, HeroServer } from "${sdk}";
const api = defineApi({ info: { title: "Doomed", version: "1" }, methods: [defineMethod({
  name: "ping", params: [], result: { name: "pong", schema: { type: "string" } },
  handler: () => "pong" })] });
await new HeroServer({ name: "doomed", api, socketRoot: ${JSON.stringify(harness.root)} }).start();
console.log("up");
await new Promise(() => {});`,
    );
    const node = new URL("../../../node_modules/.bin/node", import.meta.url).pathname;
    const child = new Deno.Command(node, {
      args: ["--disable-warning=ExperimentalWarning", script],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    await reader.read();
    reader.releaseLock();
    const client = await legacy();
    try {
      await until(() => harness.app.mcp.tools("doomed").tools.length === 1, "doomed_ping");
      assert.equal(
        ((await client.callTool({ name: "doomed_ping", arguments: {} })).structuredContent as {
          result: string;
        }).result,
        "pong",
      );
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel().catch(() => {});
      assert.ok((await Deno.stat(`${harness.root}/doomed/rpc.sock`)).isSocket, "socket file left");
      const failed = await client.callTool({ name: "doomed_ping", arguments: {} });
      assert.equal(failed.isError, true);
      // No periodic scan runs in this harness: only the re-probe can remove the tool.
      await until(
        async () => !(await client.listTools()).tools.some((t) => t.name === "doomed_ping"),
        "the dead tool to leave the list",
        2000,
      );
    } finally {
      await client.close();
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  });
});
