/**
 * The TCP authorization gate against the real system (hero_proc supervising a real hero_router
 * process), bound on another loopback address as `HERO_BIND` would do: the three exploits that
 * once ran commands as the owner — JSON-RPC `job.run` through the proxy, the MCP tool
 * `hero_proc_job_run`, and a sandboxed page's `Origin: null` + `text/plain` post — are refused
 * and no command runs; the read-only token lists but cannot run; the owner on the Unix socket
 * still can; a WebSocket upgrade to a proxied admin socket needs a writing session.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { RpcClient } from "../sdk/mod.ts";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";

describe("the TCP gate on a real system (HERO_BIND=127.0.0.2)", () => {
  let dir: string;
  let system: RunningSystem;
  let proc: RpcClient;
  const marker = (name: string) => path.join(dir, `owned-${name}`);
  const jobRun = (file: string) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "job.run",
      params: { command: `id > ${file}`, wait: true },
    });
  const adhocJobs = async () =>
    (await proc.call<unknown[]>("job.list", { adhoc: true, limit: 1000 })).length;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-gate-e2e-"));
    system = await startSystem({ ...systemIn(dir), bind: "127.0.0.2:0" });
    assert.match(system.origin, /^http:\/\/127\.0\.0\.2:\d+$/);
    proc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"), { timeoutMs: 30_000 });
  });

  after(async () => {
    proc?.close();
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("refuses job.run through the proxy without a credential, and nothing runs", async () => {
    const before = await adhocJobs();
    const res = await fetch(`${system.origin}/hero_proc/rpc/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: jobRun(marker("proxy")),
    });
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm="hero"/);
    assert.doesNotMatch(await res.text(), /"result"/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker("proxy")), false, "the command ran");
    assert.equal(await adhocJobs(), before, "a job was created");
  });

  it("refuses Origin: null with text/plain (a sandboxed iframe's post), even with the cookie", async () => {
    const before = await adhocJobs();
    // fetch() will not send a made-up Origin, so the post goes out through node:http.
    for (const cookie of [undefined, `hero_admin=${system.token}`]) {
      const res = await httpPost(new URL("/hero_proc/rpc/rpc", system.origin), {
        headers: { ...(cookie ? { cookie } : {}), origin: "null", "content-type": "text/plain" },
        body: jobRun(marker("null-origin")),
      });
      assert.equal(res.status, 403, res.body);
      assert.match(JSON.parse(res.body).error, /origin "null" is not allowed/);
    }
    // With a valid bearer token a text/plain body is still never handed to a service.
    const plain = await fetch(`${system.origin}/hero_proc/rpc/rpc`, {
      method: "POST",
      headers: { authorization: `Bearer ${system.token}`, "content-type": "text/plain" },
      body: jobRun(marker("null-origin")),
    });
    assert.equal(plain.status, 415, await plain.clone().text());
    await plain.body?.cancel();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker("null-origin")), false, "the command ran");
    assert.equal(await adhocJobs(), before);
  });

  it("MCP: no tools without a credential; the read-only token lists reads and cannot run jobs", async () => {
    const anon = await fetch(`${system.origin}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "hero_proc_job_run", arguments: { command: `id > ${marker("mcp")}` } },
      }),
    });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get("www-authenticate") ?? "", /^Bearer/);
    await anon.body?.cancel();

    const before = await adhocJobs();
    const reader = await mcpClient(system.readToken);
    try {
      const names = (await reader.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes("hero_proc_service_list"), "read-only tools are listed");
      assert.ok(!names.includes("hero_proc_job_run"), "job.run is not listed for a reader");
      const res = await reader.callTool({
        name: "hero_proc_job_run",
        arguments: { command: `id > ${marker("mcp")}`, wait: true },
      });
      assert.equal(res.isError, true);
      assert.match(JSON.stringify(res.content), /Forbidden/);
      const list = await reader.callTool({ name: "hero_proc_service_list", arguments: {} });
      assert.notEqual(list.isError, true);
    } finally {
      await reader.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker("mcp")), false, "the command ran");
    assert.equal(await adhocJobs(), before);

    const admin = await mcpClient(system.token);
    try {
      const names = (await admin.listTools()).tools.map((t) => t.name);
      assert.ok(names.includes("hero_proc_job_run"), "the admin token sees every tool");
    } finally {
      await admin.close();
    }
  });

  it("the read-only token lists through the proxy but cannot run", async () => {
    const before = await adhocJobs();
    const call = (body: string) =>
      fetch(`${system.origin}/hero_proc/rpc/rpc`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${system.readToken}`,
          "content-type": "application/json",
        },
        body,
      });
    const list = await call(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "service.list" }));
    assert.equal(list.status, 200);
    const names = (await list.json()).result.map((s: { name: string }) => s.name);
    assert.ok(names.includes("hero_router"));
    const run = await call(jobRun(marker("reader")));
    assert.equal(run.status, 403);
    assert.equal((await run.json()).error.code, -32004);
    // A batch that hides a write among reads is refused whole.
    const batch = await call(
      `[{"jsonrpc":"2.0","id":1,"method":"service.list"},${jobRun(marker("reader"))}]`,
    );
    assert.equal(batch.status, 403);
    await batch.body?.cancel();
    // So is a body that names "method" twice (a read for the gate, a write for a lax parser).
    const twice = await call(
      `{"jsonrpc":"2.0","id":1,"method":"service.list","method":"job.run",` +
        `"params":{"command":"id > ${marker("reader")}"}}`,
    );
    assert.equal(twice.status, 400);
    assert.equal((await twice.json()).error.code, -32600);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker("reader")), false, "the command ran");
    assert.equal(await adhocJobs(), before);
  });

  it("the owner on the Unix sockets still runs jobs (hero_proc directly and through admin.sock)", async () => {
    await proc.call("job.run", { command: `id > ${marker("owner")}`, wait: true });
    assert.equal(existsSync(marker("owner")), true);
    const res = await httpPost(new URL("http://localhost/hero_proc/rpc/rpc"), {
      socketPath: path.join(dir, "sockets/hero_router/admin.sock"),
      headers: { "content-type": "application/json" },
      body: jobRun(marker("owner-admin-sock")),
    });
    assert.match(res.body, /"result"/);
    assert.equal(existsSync(marker("owner-admin-sock")), true);
  });

  it("a WebSocket upgrade to a proxied admin socket needs a writing session", async () => {
    const ws = `${system.origin.replace("http", "ws")}/hero_proc/admin/terminal/ws`;
    assert.equal(await opens(ws), false, "without a credential");
    assert.equal(await opens(ws, system.readToken), false, "with the read-only token");
    assert.equal(await opens(ws, system.token), true, "with the admin token");
  });

  async function mcpClient(token: string): Promise<Client> {
    const client = new Client({ name: "gate-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${system.origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    return client;
  }
});

/** Whether a WebSocket opens (Node's WebSocket cannot send headers: the token rides a cookie). */
function opens(url: string, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const headers = token ? { cookie: `hero_admin=${token}` } : {};
    // deno-lint-ignore no-explicit-any
    const ws = new (WebSocket as any)(url, { headers });
    ws.onopen = () => (ws.close(), resolve(true));
    ws.onerror = () => resolve(false);
  });
}

/** A POST through node:http (any header, or a Unix socket), returning status and body. */
async function httpPost(
  url: URL,
  opts: { headers: Record<string, string>; body: string; socketPath?: string },
): Promise<{ status: number; body: string }> {
  const http = await import("node:http");
  return await new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      headers: opts.headers,
      ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
    }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
