/**
 * hero_collab on a fresh system, end to end (the acceptance run: what must work for a user):
 * hero_proc supervises hero_collab beside hero_router and hero_auth and it is on the dashboard;
 * users sign in through hero_router's gate with hero_auth (hero_collab keeps no session of its
 * own: it knows them by the router's signed caller assertion) and, in Chromium, chat in a channel
 * and a thread with live updates; search finds a message in context; an admin creates a group and
 * gives it a private channel (accessible dialogs, axe-core clean); the WebDAV export is copied out
 * through the router with rclone and cadaver, and litmus runs its applicable checks there; an MCP
 * client posts a message through the router's gateway and the users see it live.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { Client } from "@modelcontextprotocol/sdk/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { RpcClient } from "../sdk/mod.ts";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";
import { assertAccessible, launchChromium } from "../ui/test_support/chromium.ts";
import { type BearerProxy, startBearerProxy } from "./support/bearer_proxy.ts";
import { assertLitmusReadOnly, runWithInput } from "../collab/test/dav_clients.ts";

const run = promisify(execFile);
const SHOTS = path.resolve(import.meta.dirname ?? ".", "screenshots");
// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab on a fresh system (issue 13, Done when)", () => {
  let dir: string;
  let system: RunningSystem;
  let browser: Browser;
  let site: string;
  let collabUrl: string;
  let proxy: BearerProxy;
  const pages: Page[] = [];

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-collab-e2e-"));
    system = await startSystem(systemIn(dir));
    // hero_auth's issuer (where its cookies live) is the router on localhost.
    site = system.origin.replace("127.0.0.1", "localhost");
    collabUrl = `${site}/hero_collab/admin/`;
    // The people: everyone may use hero_collab (a role), carol administers it.
    const auth = new RpcClient(path.join(dir, "sockets/hero_auth/rpc.sock"));
    try {
      const chat = await auth.call<{ id: string }>("groups.create", {
        name: "chat",
        roles: ["hero_collab:write"],
      });
      const admins = await auth.call<{ id: string }>("groups.create", { name: "collab-admins" });
      for (const name of ["alice", "bob", "carol"]) {
        const user = await auth.call<{ id: string }>("users.create", {
          username: name,
          display_name: name[0].toUpperCase() + name.slice(1),
          password: `${name}-long-password`,
        });
        await auth.call("groups.add_member", { group_id: chat.id, user_id: user.id });
        if (name === "carol") {
          await auth.call("groups.add_member", { group_id: admins.id, user_id: user.id });
        }
      }
    } finally {
      auth.close();
    }
    proxy = await startBearerProxy(system.token);
    browser = await launchChromium();
    await fs.mkdir(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A new browser context signed in through hero_router's gate and hero_auth's sign-in page. */
  async function signIn(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.log(name, "pageerror", e.message));
    pages.push(page);
    await page.goto(collabUrl);
    await page.getByRole("heading", { name: "Sign in to Hero" }).waitFor();
    assert.ok(page.url().startsWith(`${site}/hero_auth/web_oidc/`), page.url());
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill(`${name}-long-password`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(collabUrl));
    await page.locator("#live-status", { hasText: "live" }).waitFor();
    await page.locator("#channel-title", { hasText: "#general" }).waitFor();
    return page;
  }

  const bearer = () => ({ authorization: `Bearer ${system.token}` });

  it("is supervised by hero_proc and on the dashboard", async () => {
    const proc = new RpcClient(path.join(dir, "sockets/hero_proc/rpc.sock"));
    const services = await proc.call<{ name: string; state: string }[]>("service.list");
    proc.close();
    assert.equal(services.find((s) => s.name === "hero_collab")?.state, "running");
    let listed: { name: string; health: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${system.origin}/api/services`, { headers: bearer() });
      listed = (await res.json()).services;
      if (listed.some((s) => s.name === "hero_collab" && s.health === "healthy")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(listed.find((s) => s.name === "hero_collab")?.health, "healthy");
    const anonymous = await fetch(collabUrl, {
      redirect: "manual",
      headers: { accept: "text/html" },
    });
    assert.equal(anonymous.status, 303, "a browser without a session is sent to sign in");
  });

  it("lets two signed-in users chat live in a channel and a thread, safely", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    assert.equal(await alice.locator("#me-name").textContent(), "alice");

    await alice.locator("#composer-input").fill("Hello @bob, *welcome*!");
    await alice.keyboard.press("Enter");
    const hello = bob.locator("#messages .msg", { hasText: "Hello @bob, welcome!" });
    await hello.waitFor();
    assert.equal(await hello.locator(".mention").textContent(), "@bob");
    assert.equal(await hello.locator("em").textContent(), "welcome");

    // Bob answers in a thread; Alice sees the reply count and the reply live.
    await hello.hover();
    await hello.getByRole("button", { name: "Reply in thread" }).click();
    await bob.locator("#thread-input").fill("Thanks! :tada:");
    await bob.locator("#thread-input").press("Enter");
    await alice.locator("#messages .thread-link", { hasText: "1 reply" }).waitFor();
    await alice.locator("#messages .thread-link").click();
    await alice.locator("#side-messages .msg", { hasText: "Thanks! 🎉" }).waitFor();

    // Reactions travel live too.
    await alice.locator("#messages .msg", { hasText: "Hello @bob" }).hover();
    await alice.locator("#messages .msg", { hasText: "Hello @bob" }).getByRole("button", {
      name: "React with thumbs up",
    }).click();
    await bob.locator("#messages .reaction", { hasText: "👍 1" }).waitFor();

    // Typing indicator.
    await bob.locator("#composer-input").pressSequentially("typing…");
    await alice.locator("#typing", { hasText: "bob is typing" }).waitFor();
    await bob.locator("#composer-input").fill("");

    // Script tags and event handlers arrive as text: nothing runs, no element is created.
    await alice.locator("#composer-input").fill(
      `<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> <b onmouseover="window.pwned=3">bold?</b> [click](javascript:window.pwned=4)`,
    );
    await alice.keyboard.press("Enter");
    const evil = bob.locator("#messages .msg", { hasText: "window.pwned = 1" });
    await evil.waitFor();
    assert.equal(
      await evil.locator(".body script, .body img, .body b, .body a[href^=javascript]").count(),
      0,
    );
    await evil.locator(".body").hover();
    assert.equal(await bob.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined);
    assert.match(await evil.locator(".body").innerHTML(), /&lt;script&gt;/);

    // Search finds the message and opens it in context, highlighted.
    await bob.keyboard.press("Control+k");
    await bob.locator("#search-input").fill("welcome from:@alice");
    await bob.locator("#search-input").press("Enter");
    const hit = bob.locator(".search-results .hit").first();
    await hit.waitFor();
    assert.match(await hit.innerHTML(), /<mark>welcome<\/mark>/);
    await hit.click();
    await bob.locator("#messages .msg.highlight", { hasText: "Hello @bob" }).waitFor();

    await assertAccessible(alice, "alice, dark");
    await alice.screenshot({ path: path.join(SHOTS, "collab_alice_dark.png") });
    await bob.locator("#theme-toggle").click();
    await assertAccessible(bob, "bob, light");
    await bob.screenshot({ path: path.join(SHOTS, "collab_bob_light.png") });
  });

  it("shows unread and mention counts in the sidebar and clears them when read", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    const room = await alice.evaluate(async () => {
      const c = (globalThis as unknown as {
        collab: {
          call(m: string, p: unknown): Promise<{ id: string }>;
          state: { workspace: { id: string } };
        };
      }).collab;
      return await c.call("channels.create", {
        workspace_id: c.state.workspace.id,
        name: "random",
      });
    });
    await bob.evaluate(async (id) => {
      const c =
        (globalThis as unknown as { collab: { call(m: string, p: unknown): Promise<unknown> } })
          .collab;
      await c.call("channels.join", { id });
    }, room.id);
    await bob.locator("#channel-list a", { hasText: "general" }).click();
    await alice.goto(`${collabUrl}#${room.id}`);
    await alice.locator("#channel-title", { hasText: "#random" }).waitFor();
    await alice.locator("#composer-input").fill("@bob ping");
    await alice.keyboard.press("Enter");
    await alice.locator("#composer-input").fill("and another");
    await alice.keyboard.press("Enter");
    const link = bob.locator(`#channel-list a[data-channel="${room.id}"]`);
    await link.locator(".badge.mention", { hasText: "1" }).waitFor();
    await link.click();
    await bob.locator("#messages .msg", { hasText: "and another" }).waitFor();
    await link.locator(".badge").waitFor({ state: "detached" });
  });

  it("completes mentions and emoji, takes uploads by paste and drop, and moves by keyboard", async () => {
    const alice = await signIn("alice");
    const bob = await signIn("bob");
    const input = alice.locator("#composer-input");

    // @mention and :emoji: autocomplete: the list is a labelled listbox, Enter picks.
    await input.pressSequentially("Files for @bo");
    await alice.getByRole("option", { name: "@bob" }).waitFor();
    assert.equal(await input.getAttribute("aria-activedescendant"), "ac-0");
    await alice.keyboard.press("Enter");
    await input.pressSequentially(":tad");
    await alice.getByRole("option", { name: "🎉 :tada:" }).waitFor();
    await alice.keyboard.press("Tab");
    assert.equal(await input.inputValue(), "Files for @bob :tada: ");

    // An image pasted into the composer and a text file dropped on it, as a browser sends them.
    await alice.evaluate(async () => {
      const canvas = new OffscreenCanvas(40, 30);
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#c0392b";
      g.fillRect(0, 0, 40, 30);
      const png = await canvas.convertToBlob({ type: "image/png" });
      const pasted = new DataTransfer();
      pasted.items.add(new File([png], "pasted.png", { type: "image/png" }));
      const composer = document.querySelector("#composer-input")!;
      composer.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: pasted, bubbles: true, cancelable: true }),
      );
      const dropped = new DataTransfer();
      dropped.items.add(new File(["dropped notes\n"], "notes.txt", { type: "text/plain" }));
      composer.closest("form")!.dispatchEvent(
        new DragEvent("drop", { dataTransfer: dropped, bubbles: true, cancelable: true }),
      );
    });
    await alice.locator(".attachment", { hasText: "📎 pasted.png" }).waitFor();
    await alice.locator(".attachment", { hasText: "📎 notes.txt" }).waitFor();
    await input.press("Enter");

    const msg = bob.locator("#messages .msg", { hasText: "Files for @bob 🎉" });
    await msg.waitFor();
    const preview = msg.locator('img[alt="pasted.png"]');
    await preview.waitFor();
    await bob.waitForFunction(
      (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
      await preview.elementHandle(),
    );
    assert.equal(await preview.evaluate((img) => (img as HTMLImageElement).naturalWidth), 40);
    const download = msg.locator("a.attachment", { hasText: "notes.txt" });
    const href = await download.getAttribute("href");
    assert.equal(
      await bob.evaluate(async (url) => await (await fetch(url!)).text(), href),
      "dropped notes\n",
    );

    // Alt+Down and Alt+Up move between conversations in the sidebar's order.
    await bob.evaluate(async () => {
      const c = (globalThis as unknown as {
        collab: {
          call(m: string, p: unknown): Promise<unknown>;
          state: { workspace: { id: string } };
        };
      }).collab;
      await c.call("channels.create", { workspace_id: c.state.workspace.id, name: "shortcuts" });
    });
    await bob.locator("#channel-list a", { hasText: "shortcuts" }).waitFor();
    const current = () =>
      bob.evaluate(() =>
        (globalThis as unknown as { collab: { state: { current: string } } }).collab.state.current
      );
    const order = await bob.locator(".sidebar [data-channel]").evaluateAll((links) =>
      links.map((a) => (a as HTMLElement).dataset.channel!)
    );
    const start = order.indexOf(await current());
    assert.ok(order.length > 1 && start >= 0, `${order} ${start}`);
    await bob.locator("#messages").click();
    await bob.keyboard.press("Alt+ArrowDown");
    for (let i = 0; i < 50 && (await current()) === order[start]; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await current(), order[(start + 1) % order.length]);
    await bob.keyboard.press("Alt+ArrowUp");
    for (let i = 0; i < 50 && (await current()) !== order[start]; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await current(), order[start]);
  });

  it("creates groups, channels and DMs, edits and deletes through accessible dialogs, and runs slash commands", async () => {
    const carol = await signIn("carol");
    const alice = await signIn("alice");

    // An admin makes a group in hero_auth and gives it a private channel.
    await carol.getByRole("button", { name: "+ Group" }).click();
    const groupDialog = carol.getByRole("dialog", { name: "New group" });
    await groupDialog.waitFor();
    await assertAccessible(carol, "carol, new group dialog");
    await groupDialog.getByRole("button", { name: "Create" }).click();
    await groupDialog.getByRole("alert").filter({ hasText: /^Name: / }).waitFor();
    await groupDialog.getByLabel("Name").fill("design");
    await groupDialog.getByLabel("alice (Alice)").check();
    await carol.screenshot({ path: path.join(SHOTS, "collab_dialog_new_group.png") });
    await groupDialog.getByRole("button", { name: "Create" }).click();
    await groupDialog.waitFor({ state: "detached" });
    await carol.getByRole("button", { name: "+ Channel" }).click();
    const channelDialog = carol.getByRole("dialog", { name: "New channel" });
    await channelDialog.getByLabel("Name").fill("design-room");
    await channelDialog.getByLabel("design (1)").check();
    await channelDialog.getByRole("button", { name: "Create" }).click();
    await carol.locator("#channel-title", { hasText: "#design-room" }).waitFor();
    await carol.screenshot({ path: path.join(SHOTS, "collab_admin_group_channel.png") });

    // alice is in the group: the private channel appears for her, live.
    const room = alice.locator("#channel-list a", { hasText: "design-room" });
    await room.waitFor();
    await room.click();
    await alice.locator("#composer-input").fill("draft v1");
    await alice.keyboard.press("Enter");
    const msg = alice.locator("#messages .msg", { hasText: "draft v1" });
    await msg.waitFor();
    await carol.locator("#messages .msg", { hasText: "draft v1" }).waitFor();

    // Edit in a dialog; Escape cancels and gives focus back.
    await msg.hover();
    await msg.getByRole("button", { name: "Edit" }).click();
    const edit = alice.getByRole("dialog", { name: "Edit message" });
    assert.equal(await edit.getByLabel("Message (Markdown)").inputValue(), "draft v1");
    await alice.keyboard.press("Escape");
    await edit.waitFor({ state: "detached" });
    assert.equal(
      await alice.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Edit",
    );
    await msg.getByRole("button", { name: "Edit" }).click();
    await edit.getByLabel("Message (Markdown)").fill("draft **v2**");
    await assertAccessible(alice, "alice, edit dialog");
    await edit.getByRole("button", { name: "Save" }).click();
    await carol.locator("#messages .msg", { hasText: "draft v2" }).locator(".edited", {
      hasText: "(edited)",
    }).waitFor();

    // Delete asks first.
    const edited = alice.locator("#messages .msg", { hasText: "draft v2" });
    await edited.hover();
    await edited.getByRole("button", { name: "Delete" }).click();
    await alice.getByRole("dialog", { name: "Delete this message?" }).getByRole("button", {
      name: "Delete",
    }).click();
    await carol.locator("#messages .msg", { hasText: "draft v2" }).waitFor({ state: "detached" });

    // Slash commands: autocomplete, a built-in that posts, an answer only alice sees.
    await alice.locator("#composer-input").pressSequentially("/shr");
    await alice.locator("#autocomplete li", { hasText: "/shrug [message]" }).waitFor();
    await alice.keyboard.press("Enter");
    await alice.locator("#composer-input").pressSequentially("fine");
    await alice.keyboard.press("Enter");
    await carol.locator("#messages .msg", { hasText: "fine ¯\\_(ツ)_/¯" }).waitFor();
    await alice.locator("#composer-input").fill("/help");
    await alice.keyboard.press("Enter");
    const answer = alice.locator("#messages .msg.ephemeral", { hasText: "Only visible to you" });
    await answer.locator("code", { hasText: "/topic <new topic>" }).waitFor();
    assert.equal(await carol.locator("#messages .msg.ephemeral").count(), 0);
    await alice.locator("#composer-input").fill("/topic Mockups for v3");
    await alice.keyboard.press("Enter");
    await carol.locator("#channel-topic", { hasText: "Mockups for v3" }).waitFor();
    await alice.locator("#composer-input").fill("//etc/hosts is a path");
    await alice.keyboard.press("Enter");
    await carol.locator("#messages .msg", { hasText: "/etc/hosts is a path" }).waitFor();

    // A direct message through the dialog.
    await alice.getByRole("button", { name: "+ Message" }).click();
    const dm = alice.getByRole("dialog", { name: "New message" });
    await dm.getByLabel("carol (Carol)").check();
    await dm.getByRole("button", { name: "Open" }).click();
    await alice.locator("#channel-title", { hasText: "@carol" }).waitFor();
    await assertAccessible(alice, "alice, after the dialogs");
  });

  it("is copied out through the router: rclone with the admin token; cadaver and litmus too", async () => {
    const dav = `${system.origin}/hero_collab/web_dav/`;
    const out = path.join(dir, "rclone");
    await run("rclone", [
      "copy",
      `:webdav,url='${dav}',bearer_token='${system.token}':`,
      out,
      "--config",
      "/dev/null",
    ], { timeout: 60_000 });
    const general = path.join(out, "hero", "general");
    const days = (await fs.readdir(general)).filter((f) => f.endsWith(".json"));
    const exported = (await Promise.all(
      days.map(async (d) => JSON.parse(await fs.readFile(path.join(general, d), "utf8"))),
    )).flat();
    const hello = exported.find((m: Any) => m.text === "Hello @bob, *welcome*!");
    assert.ok(hello, "alice's message is in the export, as she wrote it");
    const viaApi = await fetch(`${system.origin}/hero_collab/rpc/rpc`, {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "messages.get",
        params: { id: hello.id },
      }),
    });
    assert.equal((await viaApi.json()).result.text, hello.text);
    const jsonl = await fs.readFile(path.join(out, "export.jsonl"), "utf8");
    assert.match(jsonl, /"type":"version"/);

    // cadaver and litmus speak Basic auth only: a local proxy adds the bearer token.
    const cadaverDir = path.join(dir, "cadaver");
    await fs.mkdir(cadaverDir);
    const day = days[0].replace(/\.json$/, "");
    const log = await runWithInput(
      "cadaver",
      ["-p", proxy.hostPort, dav],
      `cd hero/general\nls\nlcd ${cadaverDir}\nget ${day}.json\nput /etc/hostname x.txt\nquit\n`,
      dir,
    );
    assert.match(log, /Listing collection `\/hero_collab\/web_dav\/hero\/general\/': succeeded/);
    assert.match(log, /Uploading .* failed:\s+403 Forbidden/);
    assert.deepEqual(
      await fs.readFile(path.join(cadaverDir, `${day}.json`)),
      await fs.readFile(path.join(general, `${day}.json`)),
    );
    // (litmus 0.13 hands -p on to its suites wrongly; --proxy= works.)
    const { stdout } = await run("litmus", ["-k", `--proxy=http://${proxy.hostPort}`, dav], {
      timeout: 60_000,
      cwd: dir,
    }).catch((err) => err);
    assertLitmusReadOnly(stdout);
  });

  it("lets an MCP client post a message through the router, seen live by the users", async () => {
    const [alice] = pages;
    await alice.locator("#channel-list a", { hasText: "general" }).click();
    const client = new Client({ name: "collab-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${system.origin}/mcp`), {
        requestInit: { headers: bearer() },
      }),
    );
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      for (const name of ["hero_collab_messages_post", "hero_collab_search_messages"]) {
        assert.ok(names.includes(name), `${name} is a tool`);
      }
      const list = tools.find((t) => t.name === "hero_collab_channels_list")!;
      assert.equal(list.annotations?.readOnlyHint, true);
      const call = async (name: string, args: Record<string, unknown>) => {
        const r = await client.callTool({ name, arguments: args });
        assert.notEqual(r.isError, true, JSON.stringify(r));
        return r.structuredContent as Any;
      };
      const [ws] = (await call("hero_collab_workspaces_list", {})).result;
      const channels = (await call("hero_collab_channels_list", { workspace_id: ws.id })).result;
      const general = channels.find((c: Any) => c.name === "general");
      await call("hero_collab_messages_post", {
        channel_id: general.id,
        text: "Posted by an **agent** over MCP",
      });
      await alice.locator("#messages .msg", { hasText: "Posted by an agent over MCP" }).waitFor();
      const found = await call("hero_collab_search_messages", { query: "agent over MCP" });
      assert.equal(found.hits.length, 1);
    } finally {
      await client.close();
    }
  });
});
