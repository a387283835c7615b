/**
 * The web UIs in a real browser (Debian's Chromium through playwright-core) against the whole
 * system as `npm start` runs it: hero_proc supervising hero_router, notes and heartbeat. Every
 * page is photographed into e2e/screenshots/.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { RpcClient } from "../sdk/mod.ts";
import { chromiumMissing, launchChromium } from "./chromium.ts";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const shots = path.join(repo, "e2e/screenshots");

describe("web UIs in Chromium", {
  skip: chromiumMissing,
}, () => {
  let dir: string;
  let system: RunningSystem;
  let rpc: RpcClient;
  let context: BrowserContext;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-ui-e2e-"));
    await fs.mkdir(shots, { recursive: true });
    system = await startSystem(systemIn(dir));
    rpc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"), { timeoutMs: 60_000 });
    context = await launchChromium(path.join(dir, "chrome"), { width: 1440, height: 900 });
    page = context.pages()[0] ?? await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });

  after(async () => {
    await context?.close();
    rpc?.close();
    const pids = ((await rpc_list_pids()) ?? []) as number[];
    await system?.close();
    for (const pid of pids) {
      assert.throws(() => process.kill(pid, 0), `process ${pid} is gone after close`);
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function rpc_list_pids(): Promise<number[] | undefined> {
    const client = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"));
    try {
      const list = await client.call<{ pid: number | null }[]>("service.list");
      return list.map((s) => s.pid).filter((p): p is number => p !== null);
    } catch {
      return undefined;
    } finally {
      client.close();
    }
  }

  it("signs in with the token and shows a service that starts after the page loaded", async () => {
    await page.goto(`${system.origin}/?token=${system.token}`);
    assert.equal(new URL(page.url()).search, "", "the token is not left in the address bar");
    await page.waitForSelector('tr[data-service="notes"]');
    await page.waitForSelector("#live-state .pill.ok");
    assert.match(await page.locator(".topbar").innerText(), /admin session/);
    await page.evaluate(() => ((globalThis as { loadedOnce?: boolean }).loadedOnce = true));
    await rpc.call("service.set", {
      service: {
        name: "late_notes",
        actions: {
          server: {
            exec: [
              process.execPath,
              "--disable-warning=ExperimentalWarning",
              path.join(repo, "examples/notes/main.ts"),
              "run",
              "--service-name",
              "late_notes",
              "--db",
              path.join(dir, "late.db"),
            ],
            env: { PATH_SOCKET: path.join(dir, "sockets") },
          },
        },
      },
    });
    await page.waitForSelector('tr[data-service="late_notes"] .pill.ok', { timeout: 20_000 });
    assert.equal(
      await page.evaluate(() => (globalThis as { loadedOnce?: boolean }).loadedOnce),
      true,
      "no reload",
    );
    assert.match(await page.locator("#activity").innerText(), /service\.added[\s\S]*late_notes/i);
    await shot("dashboard_overview");
    await page.click("#theme-toggle");
    await page.waitForTimeout(200);
    await shot("dashboard_overview_light");
    await page.click("#theme-toggle");
  });

  it("calls a method with the try-it form and shows its MCP tools, sockets and diagnostics", async () => {
    await page.goto(`${system.origin}/service/notes?method=notes.create`);
    const method = page.locator('details[data-method="notes.create"]');
    await method.locator('[data-param="title"] input').fill("Hello from the browser");
    await method.locator('[data-param="tags"] textarea').fill('["e2e"]');
    await method.locator('button[type="submit"]').click();
    const result = method.locator('[data-role="result"].ok');
    await result.waitFor();
    assert.match(await result.innerText(), /"title": "Hello from the browser"/);
    assert.match(await method.locator('[data-role="timing"]').innerText(), /ok in [\d.]+ ms/);
    await shot("service_methods_try_it");
    await page.click('.tabs button[data-tab="mcp"]');
    await page.waitForSelector("#mcp-config");
    const config = JSON.parse(await page.locator("#mcp-config").innerText());
    assert.equal(config.mcpServers.hero_notes.url, `${system.origin}/mcp/notes`);
    assert.match(await page.locator("#mcp-panel").innerText(), /notes_notes_create/);
    await shot("service_mcp");
    await page.click('.tabs button[data-tab="sockets"]');
    await shot("service_sockets");
    await page.click('.tabs button[data-tab="diagnostics"]');
    await page.waitForSelector("#diag-panel table");
    assert.match(await page.locator("#diag-panel").innerText(), /GET \/health/);
    await shot("service_diagnostics");
    await page.goto(`${system.origin}/router-logs`);
    await page.waitForSelector("#router-log .logline");
    assert.match(await page.locator("#router-log").innerText(), /service\.added late_notes/);
    await shot("router_logs");
  });

  it("restarts a service from the hero_proc page (through the router)", async () => {
    await page.goto(`${system.origin}/hero_proc/admin/`);
    const row = page.locator('tr[data-service="heartbeat"]');
    await row.locator(".pill.ok").first().waitFor();
    const pidBefore = (await row.locator("td.num.mono").innerText()).trim();
    await row.locator('button[data-op="restart"]').click();
    await page.waitForFunction(
      (before) => {
        const cell = document.querySelector('tr[data-service="heartbeat"] td.num.mono');
        return cell && /^\d+$/.test(cell.textContent!.trim()) &&
          cell.textContent!.trim() !== before;
      },
      pidBefore,
      { timeout: 15_000 },
    );
    await row.locator('[data-toggle="heartbeat"]').click();
    await page.waitForSelector('tr.action-row[data-parent="heartbeat"]');
    await shot("proc_services");
  });

  it("shows a new log line in the tree and the live tail within 1 s", async () => {
    await page.goto(`${system.origin}/hero_proc/admin/logs`);
    await page.waitForSelector("#tail-state .pill.ok");
    await page.waitForSelector('#log-tree .node[data-prefix="heartbeat"]');
    const marker = `e2e-marker-${Date.now()}`;
    // Polls instead of `wait: true`, whose 24 h timer outlives the job (proc/src/supervisor/adhoc_jobs.ts).
    const job = await rpc.call<{ id: number }>("job.run", { command: `echo ${marker}` });
    while ((await rpc.call<{ state: string }>("job.get", { id: job.id })).state !== "succeeded") {
      await new Promise((r) => setTimeout(r, 20));
    }
    const finished = Date.now();
    // Both the tail and the tree must show the new line within 1 s of the job's end.
    await page.waitForFunction(
      ({ m, prefix }) =>
        document.querySelector("#tail")!.textContent!.includes(m) &&
        document.querySelector(`#log-tree .node[data-prefix="${prefix}"]`) !== null,
      { m: marker, prefix: `job.${job.id}` },
      { timeout: 1000 },
    );
    const ms = Date.now() - finished;
    assert.ok(ms <= 1000, `tail and tree showed the line after ${ms} ms`);
    await shot("proc_logs_live_tail");
    await page.click('#log-tree .node[data-prefix="heartbeat"]');
    await page.selectOption("#tail-level", "warn");
    await page.waitForFunction(() =>
      document.querySelector("#tail-title")!.textContent === "heartbeat"
    );
    await page.waitForTimeout(300);
    const lines = await page.locator("#tail .logline .lvl").allInnerTexts();
    assert.ok(
      lines.every((l) => /warn|error|fatal/i.test(l)),
      `only warn+ lines: ${lines.join(",")}`,
    );
    await page.fill("#tail-search", "stretching");
    await page.waitForSelector("#tail .logline mark");
    assert.ok((await page.locator("#tail .logline").count()) >= 1);
    await shot("proc_logs_filtered");
    await page.goto(`${system.origin}/hero_proc/admin/jobs#${job.id}`);
    await page.waitForFunction(
      (m) => document.querySelector("#job-logs")!.textContent!.includes(m),
      marker,
    );
    await shot("proc_jobs");
  });

  it("runs echo in the browser terminal (xterm.js over the router's WebSocket relay)", async () => {
    await page.goto(`${system.origin}/hero_proc/admin/terminal`);
    await page.waitForSelector("#term-state .pill.ok");
    await page.click("#terminal");
    // The lines of the terminal's buffer, as xterm.js holds them.
    const lines = () =>
      page.evaluate(() => {
        type Line = { translateToString(trim?: boolean): string };
        type Term = { buffer: { active: { length: number; getLine(i: number): Line } } };
        const b = (globalThis as unknown as { heroTerminal: Term }).heroTerminal.buffer.active;
        return Array.from({ length: b.length }, (_, i) => b.getLine(i).translateToString(true));
      });
    const until = async (what: string, ok: (l: string[]) => boolean) => {
      const end = Date.now() + 10_000;
      while (!ok(await lines())) {
        assert.ok(Date.now() < end, `terminal: no ${what}:\n${(await lines()).join("\n")}`);
        await page.waitForTimeout(50);
      }
    };
    const prompt = /[$#]\s*$/;
    await until("prompt", (l) => l.some((x) => prompt.test(x)));
    await page.keyboard.type("echo hero-$((6*7)) ünïcode\n");
    await until("output", (l) => l.some((x) => x.startsWith("hero-42 ünïcode")));
    await until("next prompt", (l) => {
      const i = l.findIndex((x) => x.startsWith("hero-42 ünïcode"));
      return l.slice(i + 1).some((x) => prompt.test(x));
    });
    await shot("proc_terminal");
    await page.keyboard.type("exit\n");
    await page.waitForSelector("#term-state .pill:not(.ok)");
    assert.match(await page.locator("#term-state").innerText(), /exit 0/);
  });

  it("a browser without a session is sent to hero_auth's sign-in; the read-only token (break-glass form) looks, never changes", async () => {
    const anon = await fetch(`${system.origin}/hero_proc/admin/api/services/heartbeat/restart`, {
      method: "POST",
      headers: { "x-hero-csrf": "1" },
    });
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get("www-authenticate") ?? "", /^Bearer realm="hero"/);
    const call = await fetch(`${system.origin}/api/dashboard/call`, {
      method: "POST",
      headers: { "x-hero-csrf": "1", "content-type": "application/json" },
      body: JSON.stringify({ service: "notes", method: "notes.stats", params: {} }),
    });
    assert.equal(call.status, 401);
    const opened = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(
        `${system.origin.replace("http", "ws")}/hero_proc/admin/terminal/ws`,
      );
      ws.onopen = () => (ws.close(), resolve(true));
      ws.onerror = () => resolve(false);
    });
    assert.equal(opened, false);
    await context.clearCookies();
    const anonPage = await context.newPage();
    await anonPage.goto(`${system.origin}/hero_proc/admin/terminal`);
    assert.match(anonPage.url(), /\/hero_auth\/web_oidc\/interaction\//, "sent to hero_auth");
    assert.match(await anonPage.locator("h1").innerText(), /Sign in to Hero/);
    await anonPage.screenshot({ path: path.join(shots, "login.png") });
    // The router's token form stays as the break-glass way in.
    await anonPage.goto(`${system.origin}/login?next=/hero_proc/admin/terminal`);
    await anonPage.fill("#token", "not-the-token");
    await anonPage.click('button[type="submit"]');
    assert.match(await anonPage.locator('[role="alert"]').innerText(), /not valid/);
    await anonPage.fill("#token", system.readToken);
    await anonPage.click('button[type="submit"]');
    await anonPage.waitForURL(`${system.origin}/hero_proc/admin/terminal`);
    assert.match(await anonPage.locator(".content").innerText(), /needs an admin session/);
    assert.match(await anonPage.locator(".topbar").innerText(), /read-only/);
    await anonPage.screenshot({ path: path.join(shots, "proc_terminal_refused.png") });
    const restart = await anonPage.evaluate(async () => {
      const res = await fetch("/hero_proc/admin/api/services/heartbeat/restart", {
        method: "POST",
        headers: { "x-hero-csrf": "1" },
      });
      return res.status;
    });
    assert.equal(restart, 403, "the read-only session cannot restart a service");
    await anonPage.goto(`${system.origin}/`);
    await anonPage.waitForSelector('tr[data-service="notes"]');
    assert.match(await anonPage.locator(".topbar").innerText(), /read-only/);
    await anonPage.close();
  });
});
