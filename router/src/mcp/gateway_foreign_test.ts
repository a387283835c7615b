/**
 * The MCP gateway in front of services written without the SDK — plain `node:http` and Python's
 * `http.server`, both routing on the request line's path (`/rpc`) — found by the real discovery
 * and called by the official v2 MCP client. A tool call must reach them and come back as data.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { foreignServices, startForeign } from "../../../sdk/test/foreign/foreign_fixtures.ts";
import { Discovery } from "../discovery/discovery.ts";
import { ServiceRegistry } from "../discovery/service_registry.ts";
import { silentLogger } from "../log/logger.ts";
import { createMcpGateway, type McpGateway } from "./gateway.ts";
import { RegistryToolSource } from "./registry_tool_source.ts";
import { OWNER_CALLER } from "./test_fixtures.ts";

describe("MCP gateway in front of services written without the SDK", () => {
  const root = Deno.makeTempDirSync({ prefix: "hero_mcp_foreign_" });
  const children: ChildProcess[] = [];
  const registry = new ServiceRegistry();
  const discovery = new Discovery({
    root,
    registry,
    logger: silentLogger,
    watch: false,
    scanIntervalMs: 0,
  });
  let source: RegistryToolSource;
  let gateway: McpGateway;
  let http: Deno.HttpServer;
  let client: Client;

  before(async () => {
    for (const s of foreignServices(root)) children.push(await startForeign(s.cmd, s.args));
    await discovery.start();
    source = new RegistryToolSource(registry);
    gateway = createMcpGateway({ source, notifyDelayMs: 5 });
    const ready = Promise.withResolvers<number>();
    http = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => ready.resolve(port) },
      (req) => gateway.handler(req, OWNER_CALLER),
    );
    const url = new URL(`http://127.0.0.1:${await ready.promise}/mcp`);
    client = new Client({ name: "foreign-test", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await client.connect(new StreamableHTTPClientTransport(url));
  });
  after(async () => {
    await client?.close();
    await gateway?.close();
    await http?.shutdown();
    source?.close();
    discovery.close();
    for (const c of children) c.kill("SIGTERM");
    await Deno.remove(root, { recursive: true }).catch(() => {});
  });

  it("lists the methods of both as tools", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const tool of ["plainnode_greet", "plainnode_add", "plainpy_greet", "plainpy_add"]) {
      assert.ok(names.includes(tool), `${tool} in ${names.join(", ")}`);
    }
  });

  for (const svc of ["plainnode", "plainpy"]) {
    it(`calls ${svc} through a tool`, async () => {
      const greet = await client.callTool({ name: `${svc}_greet`, arguments: { name: "Ada" } });
      assert.equal(greet.isError, undefined, JSON.stringify(greet));
      assert.deepEqual(greet.structuredContent, { result: "Hello, Ada!" });
      const add = await client.callTool({ name: `${svc}_add`, arguments: { a: 20, b: 22 } });
      assert.deepEqual(add.structuredContent, { result: 42 });
    });
  }
});
