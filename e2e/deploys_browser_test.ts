/**
 * hero_proc's Deploys page in Chromium, through hero_router, against the whole system: a
 * deploy from the form, a release that never gets healthy (switched back by itself), a manual
 * rollback with the release's button, and axe-core's WCAG 2 A/AA rules with no violation.
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
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";
import { AppRepo, appService, ask, freePort } from "../proc/src/deploy/deploy_fixture.ts";
import { assertAccessible } from "../ui/test_support/chromium.ts";
import { chromiumMissing, launchChromium } from "./chromium.ts";

const shots = fileURLToPath(new URL("./screenshots", import.meta.url));
describe("Deploys page in Chromium", {
  skip: chromiumMissing,
}, () => {
  let dir: string;
  let system: RunningSystem;
  let context: BrowserContext;
  let page: Page;
  let repo: AppRepo;
  let port: number;
  const shas: Record<string, string> = {};

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-deploys-e2e-"));
    process.env.HERO_DEPLOY_DIR = path.join(dir, "deploy");
    system = await startSystem(systemIn(dir));
    repo = new AppRepo(path.join(dir, "app"));
    shas.v1 = repo.git("rev-parse", "HEAD");
    port = await freePort();
    const rpc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"));
    await rpc.call("service.set", { service: appService("web", port) }).finally(() => rpc.close());
    context = await launchChromium(path.join(dir, "chrome"), { width: 1440, height: 900 });
    page = context.pages()[0] ?? await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${system.origin}/?token=${system.token}`);
  });

  after(async () => {
    await context?.close();
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Deploys from the form and waits for the outcome shown beside the button. */
  async function deployFromForm(outcome: RegExp): Promise<void> {
    await page.selectOption("#deploy-service", "web");
    await page.fill("#deploy-repo", repo.dir);
    await page.fill("#deploy-ref", "main");
    await page.fill("#deploy-build", "sh build.sh");
    await page.fill("#deploy-health-timeout", "5");
    await page.click("#deploy-submit");
    await page.waitForFunction(
      (re) => new RegExp(re).test(document.querySelector("#deploy-state")!.textContent ?? ""),
      outcome.source,
      { timeout: 30_000 },
    ).catch(async (err) => {
      throw new Error(
        `${err.message}; the page says: ${await page.locator("#deploy-state").innerText()}`,
      );
    });
  }

  it("deploys from the form, then a broken release is switched back by itself", async () => {
    await page.goto(`${system.origin}/hero_proc/admin/deploys`);
    await page.waitForSelector("#deploy-service option", { state: "attached" });
    await assertAccessible(page, "Deploys page, empty");
    await deployFromForm(/deploy 1: live/);
    assert.equal((await ask(port))[0], "v1");
    const card = page.locator('[data-service="web"]');
    assert.match(await card.innerText(), new RegExp(`current ${shas.v1.slice(0, 12)}`));
    await page.screenshot({ path: path.join(shots, "proc_deploys.png") });

    shas.v2 = repo.commit("v2", { broken: true });
    await deployFromForm(/deploy 2: rolled back/);
    assert.equal((await ask(port))[0], "v1");
    assert.match(
      await card.locator('tr[data-deploy="2"]').innerText(),
      /rolled back.*switched back/,
    );
    await page.screenshot({ path: path.join(shots, "proc_deploys_rolled_back.png") });
  });

  it("rolls back with a release's button; the page has no accessibility violation", async () => {
    shas.v3 = repo.commit("v3");
    await deployFromForm(/deploy 3: live/);
    assert.equal((await ask(port))[0], "v3");
    await page.click(`button[data-rollback="web"][data-sha="${shas.v1}"]`);
    await page.waitForFunction(
      () => /rollback 4: live/.test(document.querySelector("#deploy-state")!.textContent ?? ""),
      undefined,
      { timeout: 30_000 },
    );
    assert.equal((await ask(port))[0], "v1");
    await assertAccessible(page, "Deploys page after a rollback");
    // The build's output is one click away, on the Jobs page.
    await page.click('tr[data-deploy="3"] a');
    await page.waitForFunction(() =>
      document.querySelector("#job-logs")!.textContent!.includes("building v3")
    );
  });

  it("refuses deploys and rollbacks to a caller without the admin session", async () => {
    const before = await (await page.request.get(`${system.origin}/hero_proc/admin/api/deploys`))
      .json();
    for (const op of ["deploy", "rollback"]) {
      const r = await fetch(`${system.origin}/hero_proc/admin/api/deploys/web/${op}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hero-csrf": "1" },
        body: JSON.stringify({ repo: repo.dir, ref: "main" }),
      });
      assert.ok(r.status === 401 || r.status === 403, `${op}: ${r.status}`);
      await r.body?.cancel();
    }
    const list = await fetch(`${system.origin}/hero_proc/admin/api/deploys`);
    assert.equal(list.status, 401, "even reading needs a credential over TCP");
    await list.body?.cancel();
    const after = await (await page.request.get(`${system.origin}/hero_proc/admin/api/deploys`))
      .json();
    assert.deepEqual(after, before, "nothing changed");
  });
});
