/**
 * The gateway's HTTP surface, spoken by hand: sessions of the 2025-11-25 era (404 for unknown
 * ids, GET stream, DELETE, protocol-version checks), the 2026-07-28 envelope and headers
 * (`server/discover`, `Mcp-Method`/`Mcp-Name`, `resultType`, `ttlMs`/`cacheScope`), Origin.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { GatewayHarness, OWNER_CALLER } from "./test_fixtures.ts";

const ACCEPT = "application/json, text/event-stream";
const MODERN = "2026-07-28";
const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** Reads a JSON body or the first `data:` line of an SSE body. */
async function readMessage(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.headers.get("content-type")?.includes("text/event-stream")) {
    const line = text.split("\n").find((l) => l.startsWith("data: ") && l.length > 6);
    return JSON.parse(line!.slice(6));
  }
  return JSON.parse(text);
}

describe("gateway HTTP, 2025-11-25 sessions", () => {
  const harness = new GatewayHarness();
  let session = "";
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
      body: JSON.stringify(body),
    });

  before(async () => {
    await harness.addService("example");
    await harness.start();
    const res = await post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      },
    });
    assert.equal(res.status, 200);
    session = res.headers.get("mcp-session-id") ?? "";
    const msg = await readMessage(res);
    assert.equal((msg.result as { protocolVersion: string }).protocolVersion, "2025-11-25");
    const ack = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, {
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    });
    assert.equal(ack.status, 202);
    await ack.body?.cancel();
  });
  after(() => harness.close());

  it("issues a session id and serves requests on it", async () => {
    assert.match(session, /^[0-9a-f-]{36}$/);
    const res = await post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, {
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    });
    const msg = await readMessage(res);
    assert.equal((msg.result as { tools: unknown[] }).tools.length, 5);
  });

  it("answers 404 for an unknown session and 400 without one", async () => {
    const unknown = await post({ jsonrpc: "2.0", id: 3, method: "tools/list" }, {
      "mcp-session-id": "00000000-0000-0000-0000-000000000000",
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const none = await post({ jsonrpc: "2.0", id: 4, method: "tools/list" });
    assert.equal(none.status, 400);
    await none.body?.cancel();
  });

  it("rejects an unsupported MCP-Protocol-Version header", async () => {
    const res = await post({ jsonrpc: "2.0", id: 5, method: "tools/list" }, {
      "mcp-session-id": session,
      "mcp-protocol-version": "1999-01-01",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Unsupported protocol version/i);
  });

  it("opens the notification stream on GET", async () => {
    const ctl = new AbortController();
    const res = await fetch(harness.url, {
      headers: {
        accept: "text/event-stream",
        "mcp-session-id": session,
        "mcp-protocol-version": "2025-11-25",
      },
      signal: ctl.signal,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/event-stream");
    ctl.abort();
    await res.body?.cancel().catch(() => {});
  });

  it("refuses other methods and non-JSON bodies", async () => {
    const put = await fetch(harness.url, { method: "PUT", body: "{}" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, POST, DELETE");
    await put.body?.cancel();
    const text = await fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "text/plain", accept: ACCEPT },
      body: "{}",
    });
    assert.equal(text.status, 415);
    await text.body?.cancel();
    const bad = await fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: "{not json",
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()).error as { code: number }).code, -32700);
  });

  it("rejects a foreign Origin and accepts a local one", async () => {
    const evil = await post({ jsonrpc: "2.0", id: 6, method: "tools/list" }, {
      origin: "https://evil.example",
      "mcp-session-id": session,
    });
    assert.equal(evil.status, 403);
    await evil.body?.cancel();
    const local = await post({ jsonrpc: "2.0", id: 7, method: "tools/list" }, {
      origin: "http://localhost:3000",
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    });
    assert.equal(local.status, 200);
    await local.body?.cancel();
  });

  it("ends the session on DELETE", async () => {
    const del = await fetch(harness.url, {
      method: "DELETE",
      headers: { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" },
    });
    assert.equal(del.status, 200);
    await del.body?.cancel();
    const after = await post({ jsonrpc: "2.0", id: 8, method: "tools/list" }, {
      "mcp-session-id": session,
      "mcp-protocol-version": "2025-11-25",
    });
    assert.equal(after.status, 404);
    await after.body?.cancel();
  });
});

describe("gateway HTTP, 2026-07-28 stateless era", () => {
  const harness = new GatewayHarness();
  const modern = (method: string, params: Record<string, unknown>, headers = {}) =>
    fetch(harness.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: META } }),
    });

  before(async () => {
    await harness.addService("example");
    await harness.start({ listTtlMs: 7000 });
  });
  after(() => harness.close());

  it("answers server/discover with the supported versions and tools capability", async () => {
    const res = await modern("server/discover", {});
    assert.equal(res.status, 200);
    const result = (await readMessage(res)).result as Record<string, unknown>;
    assert.deepEqual(result.supportedVersions, [MODERN]);
    assert.deepEqual((result.capabilities as { tools: unknown }).tools, { listChanged: true });
    assert.equal(result.resultType, "complete");
  });

  it("answers tools/list with resultType and cache hints, no session", async () => {
    const res = await modern("tools/list", {});
    assert.equal(res.headers.get("mcp-session-id"), null);
    const result = (await readMessage(res)).result as Record<string, unknown>;
    assert.equal(result.resultType, "complete");
    assert.equal(result.ttlMs, 7000);
    assert.equal(result.cacheScope, "private", "the list depends on who asks");
    assert.equal((result.tools as unknown[]).length, 5);
  });

  it("calls a tool when Mcp-Name matches, rejects a mismatch", async () => {
    const ok = await modern("tools/call", { name: "example_add", arguments: { a: 1, b: 1 } }, {
      "mcp-name": "example_add",
    });
    const result = (await readMessage(ok)).result as Record<string, unknown>;
    assert.deepEqual(result.structuredContent, { result: 2 });
    assert.equal(result.resultType, "complete");
    const bad = await modern("tools/call", { name: "example_add", arguments: {} }, {
      "mcp-name": "example_fail",
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });

  it("rejects an Mcp-Method header that disagrees with the body", async () => {
    const res = await fetch(harness.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-protocol-version": MODERN,
        "mcp-method": "tools/call",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/list",
        params: { _meta: META },
      }),
    });
    assert.equal(res.status, 400);
    await res.body?.cancel();
  });

  it("rejects an envelope naming a revision it does not serve", async () => {
    const res = await fetch(harness.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-protocol-version": "2099-01-01",
        "mcp-method": "tools/list",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/list",
        params: { _meta: { ...META, "io.modelcontextprotocol/protocolVersion": "2099-01-01" } },
      }),
    });
    const msg = await readMessage(res);
    const error = msg.error as { code: number; data: { supported: string[] } };
    assert.equal(res.status, 400);
    assert.deepEqual(error.data.supported, [MODERN]);
  });

  it("answers an unknown tool with a JSON-RPC error", async () => {
    const res = await modern("tools/call", { name: "nope", arguments: {} }, { "mcp-name": "nope" });
    const msg = await readMessage(res);
    assert.match((msg.error as { message: string }).message, /Unknown tool: "nope"/);
  });
});

describe("gateway HTTP limits", () => {
  const harness = new GatewayHarness();
  before(async () => {
    await harness.addService("example");
    await harness.start({ maxBodyBytes: 1000, maxSessions: 2, allowedHosts: ["127.0.0.1"] });
  });
  after(() => harness.close());

  const initialize = (): Promise<Response> =>
    fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    });

  it("answers 413 for a body over the limit, before parsing it", async () => {
    const res = await fetch(harness.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", pad: "x".repeat(2000) }),
    });
    assert.equal(res.status, 413);
    await res.body?.cancel();
  });

  it("checks Host when allowedHosts is set", async () => {
    // fetch() always sends the real Host, so the handler is called directly here.
    const request = (host: string) =>
      new Request(harness.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: ACCEPT, host },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
    const evil = await harness.gateway.handler(request("evil.example"), OWNER_CALLER);
    assert.equal(evil.status, 403);
    await evil.body?.cancel();
    const local = await harness.gateway.handler(request(harness.url.host), OWNER_CALLER);
    assert.equal(local.status, 400, "passes the Host check (then lacks a session)");
    await local.body?.cancel();
  });

  it("closes the least recently used session beyond maxSessions", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await initialize();
      assert.equal(res.status, 200);
      ids.push(res.headers.get("mcp-session-id")!);
      await res.body?.cancel();
    }
    const status = async (id: string) => {
      const res = await fetch(harness.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: ACCEPT,
          "mcp-session-id": id,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }),
      });
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await status(ids[0]), 404);
    assert.equal(await status(ids[1]), 200);
    assert.equal(await status(ids[2]), 200);
  });
});
