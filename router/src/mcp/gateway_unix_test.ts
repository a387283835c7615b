/**
 * The gateway on a Unix socket (as on the router's admin.sock), driven by both official clients
 * through a fetch bound to the socket.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as V2Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { exampleApi, GatewayHarness, OWNER_CALLER } from "./test_fixtures.ts";

describe("gateway on a Unix socket", () => {
  const harness = new GatewayHarness();
  let server: Deno.HttpServer;
  let httpClient: Deno.HttpClient;
  let socketPath = "";
  const unixFetch = (input: string | URL | Request, init?: RequestInit) =>
    fetch(input, { ...init, client: httpClient });

  before(async () => {
    await harness.addService("example", exampleApi());
    await harness.start();
    socketPath = `${harness.socketRoot}/admin.sock`;
    const ready = Promise.withResolvers<void>();
    server = Deno.serve(
      { path: socketPath, onListen: () => ready.resolve() },
      (req) => harness.gateway.handler(req, OWNER_CALLER),
    );
    await ready.promise;
    httpClient = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath } });
  });
  after(async () => {
    httpClient?.close();
    await server?.shutdown();
    await harness.close();
  });

  it("serves the v1 client (2025-11-25)", async () => {
    const client = new V1Client({ name: "v1-unix", version: "1.0.0" });
    await client.connect(
      new V1Transport(new URL("http://localhost/mcp/example"), { fetch: unixFetch }),
    );
    try {
      const res = await client.callTool({ name: "example_add", arguments: { a: 20, b: 22 } });
      assert.deepEqual(res.structuredContent, { result: 42 });
    } finally {
      await client.close();
    }
  });

  it("serves the v2 client (2026-07-28)", async () => {
    const client = new V2Client({ name: "v2-unix", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch: unixFetch }),
    );
    try {
      assert.equal((await client.listTools()).tools.length, 5);
    } finally {
      await client.close();
    }
  });
});
