/**
 * hero_proc's admin UI in Chromium (playwright-core, Debian's browser) through the router, as
 * `npm start` runs it: the services table fits a 1280 px window, log views are deep links that
 * survive a reload, structured fields are shown, lines of a previous instance are marked, and
 * every page passes axe-core's WCAG 2 A/AA rules.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { RpcClient } from "../sdk/mod.ts";
import { assertAccessible } from "../ui/test_support/chromium.ts";
import { chromiumMissing, launchChromium } from "./chromium.ts";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const shots = path.join(repo, "e2e/screenshots");
describe("hero_proc admin in Chromium", {
  skip: chromiumMissing,
}, () => {
  let dir: string;
  let system: RunningSystem;
  let rpc: RpcClient;
  let context: BrowserContext;
  let page: Page;
  let admin: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-proc-ui-"));
    await fs.mkdir(shots, { recursive: true });
    system = await startSystem(systemIn(dir));
    admin = `${system.origin}/hero_proc/admin`;
    rpc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"), { timeoutMs: 60_000 });
    context = await launchChromium(path.join(dir, "chrome"), { width: 1280, height: 800 });
    page = context.pages()[0] ?? await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
    await page.goto(`${system.origin}/?token=${system.token}`);
  });

  after(async () => {
    await context?.close();
    rpc?.close();
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("fits the services table, Control column included, in a 1280 px window", async () => {
    await page.goto(`${admin}/`);
    await page.waitForSelector('tr[data-service="heartbeat"] button[data-op="restart"]');
    const fit = await page.evaluate(() => {
      const table = document.querySelector("#services")!;
      const box = table.parentElement!;
      const rows = [...table.querySelectorAll("tr")].map((tr) => {
        const cell = tr.lastElementChild!.getBoundingClientRect();
        return { right: Math.round(cell.right), label: tr.textContent!.trim().slice(0, 20) };
      });
      return {
        overflow: box.scrollWidth - box.clientWidth,
        boxRight: Math.round(box.getBoundingClientRect().right),
        viewport: innerWidth,
        rows,
        buttons: [...table.querySelectorAll("button")].map((b) =>
          Math.round(b.getBoundingClientRect().right)
        ),
      };
    });
    assert.equal(fit.overflow, 0, `the table scrolls sideways by ${fit.overflow} px`);
    for (const r of fit.rows) {
      assert.ok(r.right <= fit.boxRight, `row "${r.label}" ends at ${r.right} > ${fit.boxRight}`);
    }
    assert.ok(Math.max(...fit.buttons) <= fit.viewport, "every button is inside the window");
    await page.screenshot({ path: path.join(shots, "proc_services_1280.png") });
    await assertAccessible(page, "services table at 1280 px");
  });

  it("shows structured fields and keeps the log view in the URL across reloads", async () => {
    await rpc.call("logs.insert", {
      lines: [{
        source: "shop.checkout",
        level: "warn",
        message: "payment slow",
        fields: { order: "A-17", ms: 1234, retry: true },
      }],
    });
    await page.goto(`${admin}/logs#source=shop&level=warn`);
    const line = page.locator("#tail .logline", { hasText: "payment slow" });
    await line.waitFor();
    assert.match(await line.innerText(), /order=A-17[\s\S]*ms=1234[\s\S]*retry=true/);
    assert.equal(await page.locator("#tail-title").innerText(), "shop");
    assert.equal(await page.inputValue("#tail-level"), "warn");
    await page.fill("#tail-search", "slow");
    await page.waitForFunction(() => location.hash.includes("q=slow"));
    await page.reload();
    await page.locator("#tail .logline", { hasText: "payment slow" }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.pathname, "/hero_proc/admin/logs", "still the logs page after a reload");
    assert.equal(await page.locator("#tail-title").innerText(), "shop");
    assert.equal(await page.inputValue("#tail-level"), "warn");
    assert.equal(await page.inputValue("#tail-search"), "slow");
    // Picking a source in the tree keeps the page's own path (the page has a <base href>).
    await page.fill("#tail-search", "");
    await page.click('#log-tree .node[data-prefix="heartbeat"]');
    await page.waitForFunction(() => location.hash.includes("source=heartbeat"));
    assert.equal(new URL(page.url()).pathname, "/hero_proc/admin/logs");
    await page.reload();
    await page.waitForFunction(() =>
      document.querySelector("#tail-title")!.textContent === "heartbeat"
    );
    await page.goto(`${admin}/logs#source=shop`);
    await page.locator("#tail .logline", { hasText: "payment slow" }).waitFor();
    await page.screenshot({ path: path.join(shots, "proc_logs_fields.png") });
    await assertAccessible(page, "logs page with structured fields");
  });

  it("marks the lines of a previous instance of a service", async () => {
    const define = (word: string) =>
      rpc.call("service.set", {
        service: { name: "again", exec: `echo ${word}-instance; exec sleep 300` },
      });
    await define("first");
    await rpc.call("service.start", { name: "again", wait: true, timeout_ms: 10_000 });
    // "Started" means spawned, not "has printed": a remove right away can stop the shell
    // before it runs `echo`, and then there is no first-instance line to mark.
    for (let i = 0;; i++) {
      const r = await rpc.call<{ lines: unknown[] }>("logs.query", {
        text: "first-instance",
        limit: 1,
      });
      if (r.lines.length) break;
      assert.ok(i < 500, "the first instance printed its line");
      await new Promise((res) => setTimeout(res, 20));
    }
    await rpc.call("service.remove", { name: "again" });
    await define("second");
    await rpc.call("service.start", { name: "again", wait: true, timeout_ms: 10_000 });
    await page.goto(`${admin}/logs#source=again`);
    const second = page.locator("#tail .logline", { hasText: "second-instance" });
    await second.waitFor();
    const first = page.locator("#tail .logline", { hasText: "first-instance" });
    assert.match(await first.getAttribute("class") ?? "", /\bprevious\b/);
    assert.match(await first.innerText(), /previous · job \d+/);
    assert.doesNotMatch(await second.getAttribute("class") ?? "", /\bprevious\b/);
    await page.screenshot({ path: path.join(shots, "proc_logs_previous_instance.png") });
    await assertAccessible(page, "logs page with a previous instance");
  });
});
