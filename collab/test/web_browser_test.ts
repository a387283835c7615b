/**
 * The web client in Chromium (Debian's, through playwright-core): two hero_auth users sign in
 * through hero_auth's own pages in two browser contexts and chat live in a channel and a
 * thread; HTML in a message never runs; search finds a message and opens it in context; the
 * pages pass axe-core's WCAG 2 A/AA rules in dark and light. Screenshots go to e2e/screenshots.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { type AuthFixture, startAuthFixture } from "../../auth/src/test_support/auth_fixture.ts";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { startWsForwarder, type WsForwarder } from "./ws_forwarder.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const SHOTS = path.resolve(import.meta.dirname ?? ".", "../../e2e/screenshots");

async function axeClean(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as {
      axe: {
        run(o: unknown): Promise<{ violations: { id: string; nodes: { html: string }[] }[] }>;
      };
    }).axe;
    const out = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return out.violations.map((v) =>
      `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.html).join(" | ")}`
    );
  });
  assert.deepEqual(violations, [], `${what}: axe-core violations`);
}

describe("hero_collab web client in Chromium", () => {
  let f: AuthFixture;
  let fw: WsForwarder;
  let collab: RunningCollab;
  let browser: Browser;
  let url: string;

  before(async () => {
    f = await startAuthFixture();
    for (const name of ["alice", "bob", "carol"]) {
      await f.call("users.create", {
        username: name,
        display_name: name[0].toUpperCase() + name.slice(1),
        password: `${name}-long-password`,
      });
    }
    // carol administers hero_collab.
    const admins = await f.call<{ id: string }>("groups.create", { name: "collab-admins" });
    const [carol] = await f.call<{ id: string }[]>("users.list", { query: "carol" });
    await f.call("groups.add_member", { group_id: admins.id, user_id: carol.id });
    fw = await startWsForwarder(f.root);
    url = `${fw.origin}/hero_collab/admin/`;
    collab = await startCollabServer({
      dataDir: path.join(f.root, "collab"),
      socketRoot: f.root,
      login: { issuer: f.issuer, publicUrl: `${fw.origin}/hero_collab/admin` },
    });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await collab?.close();
    await fw?.close();
    await f?.close();
  });

  async function signIn(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on("console", (m) => process.env.COLLAB_DEBUG && console.log(name, m.type(), m.text()));
    page.on(
      "response",
      (r) =>
        process.env.COLLAB_DEBUG && r.status() >= 400 && console.log(name, r.status(), r.url()),
    );
    page.on("pageerror", (e) => console.log(name, "pageerror", e.message));
    await page.goto(url);
    await page.getByLabel("Username").fill(name);
    await page.getByLabel("Password").fill(`${name}-long-password`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(url));
    await page.locator("#live-status", { hasText: "live" }).waitFor();
    await page.locator("#channel-title", { hasText: "#general" }).waitFor();
    return page;
  }

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

    await axeClean(alice, "alice, dark");
    await alice.screenshot({ path: path.join(SHOTS, "collab_alice_dark.png") });
    await bob.locator("#theme-toggle").click();
    await axeClean(bob, "bob, light");
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
    await alice.goto(`${url}#${room.id}`);
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

  it("creates groups, channels and DMs, edits and deletes through accessible dialogs, and runs slash commands", async () => {
    const carol = await signIn("carol");
    const alice = await signIn("alice");

    // An admin makes a group in hero_auth and gives it a private channel.
    await carol.getByRole("button", { name: "+ Group" }).click();
    const groupDialog = carol.getByRole("dialog", { name: "New group" });
    await groupDialog.waitFor();
    await axeClean(carol, "carol, new group dialog");
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
    await axeClean(alice, "alice, edit dialog");
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
    await axeClean(alice, "alice, after the dialogs");
  });
});
