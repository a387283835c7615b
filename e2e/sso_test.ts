/**
 * Single sign-on on a fresh system, in Chromium (the acceptance run: what must work for a user):
 * hero_proc supervises hero_auth; the owner sets a password and TOTP from the one-time setup link;
 * the dashboard URL leads to hero_auth's sign-in (password + TOTP) and back; in hero_auth's admin
 * UI (every page checked with axe-core) the admin creates a group with the `read` role and a user
 * in it; that user sees the dashboard but can run no job, neither through the proxy nor through
 * MCP, and nothing runs; the admin registers Debian's Apache with mod_auth_openidc (an OpenID-
 * certified relying party) as a client, and the user signs in to its protected page through
 * hero_auth.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { RpcClient } from "../sdk/mod.ts";
import { totpCode, totpStep } from "../auth/src/accounts/totp.ts";
import {
  ownerSetupLink,
  type RunningSystem,
  startSystem,
  systemIn,
} from "../scripts/start_system.ts";
import { type ApacheRp, planApacheRp } from "./support/apache_rp.ts";
import { assertAccessible, launchChromium } from "../ui/test_support/chromium.ts";

/** hero_auth's admin pages are checked with axe-core as they are visited. */
const accessible = (page: Page, what: string) => assertAccessible(page, `hero_auth admin ${what}`);

describe("single sign-on on a fresh system (issue 12, Done when)", () => {
  let dir: string;
  let system: RunningSystem;
  let browser: Browser;
  let site: string;
  let owner: { username: string; secret: string };
  let veraLink: string;
  let proc: RpcClient;
  /** The admin's signed-in page, kept for the last step. */
  let admin: Page;
  let apache: ApacheRp | undefined;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-sso-e2e-"));
    system = await startSystem(systemIn(dir));
    // hero_auth's issuer (where its cookies live) is the router on localhost.
    site = system.origin.replace("127.0.0.1", "localhost");
    proc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"));
    browser = await launchChromium();
  });

  after(async () => {
    await apache?.close();
    await browser?.close();
    proc?.close();
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("hero_auth is supervised; the owner sets a password and TOTP from the one-time link", async () => {
    const services = await proc.call<{ name: string; state: string }[]>("service.list");
    assert.equal(services.find((s) => s.name === "hero_auth")?.state, "running");
    const link = await ownerSetupLink(system.socketRoot);
    assert.ok(link?.startsWith(`${site}/hero_auth/web_oidc/setup/`), link);
    const page = await newPage();
    await page.goto(link!);
    const secret = (await page.locator("#totp-secret").textContent())!;
    await page.getByLabel("New password").fill("owner-long-password");
    await page.getByLabel("Repeat the password").fill("owner-long-password");
    await page.getByLabel(/Code from the app/).fill(totpCode(secret, totpStep()));
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Account ready" }).waitFor();
    const auth = new RpcClient(path.join(dir, "sockets/hero_auth/rpc.sock"));
    const users = await auth.call<{ username: string; is_owner: boolean }[]>("users.list", {});
    auth.close();
    owner = { username: users.find((u) => u.is_owner)!.username, secret };
    await page.context().close();
  });

  it("the dashboard URL leads to a login (password + TOTP) and back; the admin builds a group and a read-only user", async () => {
    const page = await newPage();
    await page.goto(`${system.origin}/`);
    await page.getByRole("heading", { name: "Sign in to Hero" }).waitFor();
    assert.ok(page.url().startsWith(`${site}/hero_auth/web_oidc/interaction/`), page.url());
    await page.getByLabel("Username").fill(owner.username);
    await page.getByLabel("Password").fill("owner-long-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
    // The setup used this period's code; a code works once, so the next one signs in.
    await page.getByLabel("Code").fill(totpCode(owner.secret, totpStep() + 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${site}/`);
    await page.waitForSelector('tr[data-service="notes"]');
    assert.match(await page.locator(".topbar").innerText(), /admin session/);

    await page.goto(`${site}/hero_auth/admin/groups`);
    await accessible(page, "groups");
    await page.getByLabel("Name", { exact: true }).fill("viewers");
    await page.getByLabel(/^Roles/).fill("read");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByRole("link", { name: "viewers" }).waitFor();

    await page.goto(`${site}/hero_auth/admin/users`);
    await accessible(page, "users");
    await page.getByLabel("Username").fill("vera");
    await page.getByRole("button", { name: "Create" }).click();
    const created = JSON.parse(await page.locator("#result pre").textContent() ?? "{}");
    assert.equal(created.username, "vera");

    await page.goto(`${site}/hero_auth/admin/users/${created.id}`);
    await accessible(page, "user");
    await page.getByRole("button", { name: "Create setup link" }).click();
    veraLink = JSON.parse(await page.locator("#result pre").textContent() ?? "{}").url;
    assert.ok(veraLink?.startsWith(`${site}/hero_auth/web_oidc/setup/`), veraLink);

    await page.goto(`${site}/hero_auth/admin/groups`);
    await page.getByRole("link", { name: "viewers" }).click();
    await accessible(page, "group");
    await page.getByLabel("User").selectOption({ label: "vera" });
    await page.getByRole("button", { name: "Add" }).click();
    await page.getByRole("cell", { name: "vera" }).waitFor();
    for (const name of ["clients", "sessions", "keys", "audit"]) {
      await page.goto(`${site}/hero_auth/admin/${name}`);
      await accessible(page, name);
    }
    // The changes are on record under the admin who made them (the caller assertion).
    const added = page.locator("tr").filter({ hasText: "group.member_added" });
    assert.match(await added.innerText(), /user:[A-Za-z0-9_-]+/);
    admin = page;
  });

  it("the read-only user sees the dashboard but cannot run a job through the proxy or MCP", async () => {
    const page = await newPage();
    await page.goto(veraLink);
    await page.getByLabel("New password").fill("vera-long-password");
    await page.getByLabel("Repeat the password").fill("vera-long-password");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Account ready" }).waitFor();
    await page.goto(`${system.origin}/`);
    await page.getByLabel("Username").fill("vera");
    await page.getByLabel("Password").fill("vera-long-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${site}/`);
    await page.waitForSelector('tr[data-service="notes"]');
    assert.match(await page.locator(".topbar").innerText(), /read-only/);

    const marker = path.join(dir, "vera-ran");
    const jobs = async () => (await proc.call<unknown[]>("job.list", { limit: 1000 })).length;
    const before = await jobs();
    const outcome = await page.evaluate(async (file) => {
      const json = { "content-type": "application/json", "x-hero-csrf": "1" };
      const proxy = await fetch("/hero_proc/rpc/rpc", {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "job.run",
          params: { command: `touch ${file}`, wait: true },
        }),
      });
      const meta = {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "page", version: "1" },
        "io.modelcontextprotocol/clientCapabilities": {},
      };
      const mcp = async (method: string, params: Record<string, unknown> = {}) => {
        const res = await fetch("/mcp", {
          method: "POST",
          headers: {
            ...json,
            accept: "application/json, text/event-stream",
            "mcp-protocol-version": "2026-07-28",
            "mcp-method": method,
            ...(params.name ? { "mcp-name": String(params.name) } : {}),
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method,
            params: { ...params, _meta: meta },
          }),
        });
        const text = await res.text();
        return JSON.parse(text.startsWith("{") ? text : /^data: (.*)$/m.exec(text)![1]);
      };
      const tools = (await mcp("tools/list")).result.tools.map((t: { name: string }) => t.name);
      const call = await mcp("tools/call", {
        name: "hero_proc_job_run",
        arguments: { command: `touch ${file}`, wait: true },
      });
      const restart = await fetch("/hero_proc/admin/api/services/heartbeat/restart", {
        method: "POST",
        headers: json,
      });
      return {
        proxy: proxy.status,
        proxyBody: await proxy.text(),
        tools,
        call: call.result ?? call.error,
        restart: restart.status,
      };
    }, marker);
    assert.equal(outcome.proxy, 403, outcome.proxyBody);
    assert.match(
      JSON.parse(outcome.proxyBody).error.message,
      /"job.run" of "hero_proc" is not marked read-only/,
    );
    assert.ok(outcome.tools.includes("hero_proc_job_list"), "read-only tools are listed");
    assert.ok(!outcome.tools.includes("hero_proc_job_run"), "job.run is not offered");
    assert.equal(outcome.call.isError, true, JSON.stringify(outcome.call));
    assert.match(JSON.stringify(outcome.call), /Forbidden/);
    assert.equal(outcome.restart, 403);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker), false, "a command ran");
    assert.equal(await jobs(), before, "a job was created");
    await page.context().close();
  });

  it("the Apache relying party (mod_auth_openidc) signs the user in through hero_auth", async () => {
    const plan = await planApacheRp(dir);
    await admin.goto(`${site}/hero_auth/admin/clients`);
    await admin.getByLabel("Name", { exact: true }).fill("Apache intranet");
    await admin.getByLabel(/^Redirect URIs/).fill(plan.redirectUri);
    await admin.getByRole("button", { name: "Create" }).click();
    const client = JSON.parse(await admin.locator("#result pre").textContent() ?? "{}");
    assert.ok(client.client_secret, "the secret is shown once");
    apache = await plan.start({
      issuer: `${site}/hero_auth/web_oidc`,
      clientId: client.client_id,
      clientSecret: client.client_secret,
    });
    const page = await newPage();
    await page.goto(`${apache.origin}/protected/`);
    await page.getByRole("heading", { name: "Sign in to Hero" }).waitFor();
    await page.getByLabel("Username").fill("vera");
    await page.getByLabel("Password").fill("vera-long-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Allow access?" }).waitFor();
    assert.match(await page.locator("main").innerText(), /Apache intranet/);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL(`${apache.origin}/protected/`).catch(async (err) => {
      throw new Error(`${err.message}\n${page.url()}\n${await apache!.log()}`);
    });
    assert.equal(await page.locator("#user").textContent(), "vera");
    assert.match((await page.locator("#groups").textContent())!, /viewers/);
    assert.equal(await page.locator("#iss").textContent(), `${site}/hero_auth/web_oidc`);
    await page.context().close();
  });

  async function newPage(): Promise<Page> {
    return await (await browser.newContext()).newPage();
  }
});
