/**
 * Three hosts in network namespaces (e2e/fixtures/netns_lab.ts), each running hero_proc with
 * hero_router and the notes example. Router A federates B and C (`--peer`, pinned tokens):
 * A's one dashboard (in Chromium) and one MCP endpoint (the official MCP client) show and call
 * services on all three hosts; a browser page of B's hero_proc loads through A; B's cable is
 * unplugged (its services turn unreachable within seconds, C's stay) and plugged back (they
 * return). The times are printed.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { BrowserContext } from "playwright-core";
import { RpcClient } from "../sdk/mod.ts";
import { launchChromium } from "./chromium.ts";
import { createLab, type NetnsLab } from "./fixtures/netns_lab.ts";
import { type LabSystem, startLabSystem } from "./fixtures/lab_system.ts";

const SHOTS = fileURLToPath(new URL("screenshots", import.meta.url));

interface Entry {
  name: string;
  host?: string;
  health: string;
}

describe("federation across three hosts in network namespaces", () => {
  let dir: string;
  let lab: NetnsLab;
  let systems: LabSystem[] = [];
  let a: LabSystem, b: LabSystem, c: LabSystem;
  let mcp: Client;
  let browser: BrowserContext;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-fed-e2e-"));
    lab = createLab(["a", "b", "c"]);
    const started = await Promise.allSettled(
      lab.hosts.map((h) => startLabSystem(h, path.join(dir, h.name))),
    );
    systems = started.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
    for (const r of started) if (r.status === "rejected") throw r.reason;
    [a, b, c] = systems;
    const whitelist = ["--whitelist", `${lab.cidr},127.0.0.0/8`];
    await Promise.all([b.startServices(whitelist), c.startServices(whitelist)]);
    await a.pinPeerToken("b", b.adminToken);
    await a.pinPeerToken("c", c.adminToken);
    await a.startServices([
      ...whitelist,
      "--peer",
      `b=${b.origin}`,
      "--peer",
      `c=${c.origin}`,
    ]);
    await until("b/notes and c/notes on A", async () => {
      const names = (await services(a)).filter((s) => s.health === "healthy").map((s) => s.name);
      return names.includes("b/notes") && names.includes("c/notes");
    }).catch(async (err) => {
      const logs = await a.proc.call("service.logs", { name: "hero_router", limit: 40 })
        .catch((e) => e);
      throw new Error(`${err.message}\nA's router: ${JSON.stringify(logs, null, 1)}`);
    });
    mcp = new Client({ name: "federation-e2e", version: "1" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${a.origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${a.adminToken}` } },
      }),
    );
    browser = await launchChromium(path.join(dir, "chrome"), { width: 1440, height: 900 });
  });

  after(async () => {
    await mcp?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await Promise.all(systems.map((s) => s.close().catch(() => {})));
    lab?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("one dashboard in Chromium shows the services of all three hosts", async () => {
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(`${a.origin}/?token=${a.readToken}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector('tr[data-service="c/notes"]');
    const rows = await page.$$eval(
      "#services tbody tr",
      (trs) => trs.map((tr) => tr.getAttribute("data-service")),
    );
    for (const name of ["notes", "b/notes", "c/notes", "b/hero_proc", "c/hero_router"]) {
      assert.ok(rows.includes(name), `${name} in ${rows}`);
    }
    await page.screenshot({ path: path.join(SHOTS, "federation_dashboard.png") });
    const peers = await page.textContent("#router-health");
    assert.match(peers ?? "", /b\s*up/);
    assert.match(peers ?? "", /c\s*up/);
  });

  it("a browser page of host B's hero_proc loads through A, with B's data", async () => {
    await b.proc.call("service.set", {
      service: { name: "only_on_b", exec: "sleep 600", autostart: false },
    });
    const page = await browser.newPage();
    const seen: { url: string; status: number }[] = [];
    page.on("response", (r) => seen.push({ url: r.url(), status: r.status() }));
    await page.goto(`${a.origin}/?token=${a.adminToken}`);
    const res = await page.goto(`${a.origin}/b/hero_proc/admin/`);
    assert.equal(res?.status(), 200);
    await page.waitForSelector("text=only_on_b");
    await page.screenshot({ path: path.join(SHOTS, "federation_peer_proc_admin.png") });
    const fromB = seen.filter((r) => r.url.startsWith(`${a.origin}/b/hero_proc/admin/`));
    assert.ok(fromB.length >= 3, "the page, its assets and its data came through A");
    assert.deepEqual(fromB.filter((r) => r.status >= 400), []);
    await page.close();
  });

  it("one MCP endpoint calls tools on other hosts, names unique", async () => {
    const names = (await mcp.listTools()).tools.map((t) => t.name);
    for (const n of ["notes_notes_create", "b_notes_notes_create", "c_notes_notes_create"]) {
      assert.ok(names.includes(n), n);
    }
    assert.equal(new Set(names).size, names.length);
    const made = await mcp.callTool({
      name: "b_notes_notes_create",
      arguments: { title: "made on B through A" },
    });
    assert.notEqual(made.isError, true, JSON.stringify(made));
    const onB = new RpcClient(path.join(b.socketRoot, "notes", "rpc.sock"));
    const onC = new RpcClient(path.join(c.socketRoot, "notes", "rpc.sock"));
    try {
      const titles = async (client: RpcClient) =>
        JSON.stringify(await client.call("notes.list", {}));
      assert.match(await titles(onB), /made on B through A/);
      assert.doesNotMatch(await titles(onC), /made on B through A/);
    } finally {
      onB.close();
      onC.close();
    }
  });

  it("cutting B's cable marks B's services unreachable within seconds; plugging it back restores them", async () => {
    lab.cut("b");
    const cut = performance.now();
    await until(
      "b/notes unreachable",
      async () => (await services(a)).find((s) => s.name === "b/notes")?.health === "unreachable",
    );
    const downSeconds = (performance.now() - cut) / 1000;
    const list = await services(a);
    assert.equal(list.find((s) => s.name === "c/notes")?.health, "healthy", "C is not affected");
    const tools = (await mcp.listTools()).tools.map((t) => t.name);
    assert.ok(!tools.includes("b_notes_notes_create") && tools.includes("c_notes_notes_create"));
    const proxied = await fetch(`${a.origin}/b/notes/rpc/health`, {
      headers: { authorization: `Bearer ${a.adminToken}` },
    });
    assert.equal(proxied.status, 502);
    assert.match((await proxied.json()).error, /peer router "b"/);
    lab.restore("b");
    const plugged = performance.now();
    await until(
      "b/notes healthy again",
      async () => (await services(a)).find((s) => s.name === "b/notes")?.health === "healthy",
    );
    const upSeconds = (performance.now() - plugged) / 1000;
    console.log(
      `federation: B unreachable ${downSeconds.toFixed(2)} s after its cable was cut, ` +
        `back ${upSeconds.toFixed(2)} s after it was plugged in`,
    );
    assert.ok(downSeconds < 6, `unreachable after ${downSeconds} s`);
    assert.ok(upSeconds < 6, `back after ${upSeconds} s`);
    const again = await mcp.callTool({ name: "b_notes_notes_stats", arguments: {} });
    assert.notEqual(again.isError, true, JSON.stringify(again));
  });

  async function services(s: LabSystem): Promise<Entry[]> {
    const res = await fetch(`${s.origin}/api/services`, {
      headers: { authorization: `Bearer ${s.readToken}` },
    });
    return (await res.json()).services;
  }
});

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
