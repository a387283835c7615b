/**
 * The browser service end to end, as an agent uses it: the official MCP client talks to
 * hero_router's `/mcp`, which calls the `browser` service over its socket; Chromium drives a
 * local page. Covers the tools and their annotations, navigate/snapshot/click/type/console,
 * screenshots decoded as PNGs, separate contexts per caller, refused navigations, a hanging
 * page cut off at the time limit, a browser crash reported and recovered, and the action log in
 * hero_proc's log store.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import zlib from "node:zlib";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type BrowserHarness, startHarness, waitFor } from "./harness.ts";

type Content = { type: string; text?: string; data?: string; mimeType?: string };
type ToolResult = {
  content: Content[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return await client.callTool({ name, arguments: args }) as ToolResult;
}

/** The structured result of a successful call. */
async function ok(client: Client, name: string, args: Record<string, unknown> = {}) {
  const res = await call(client, name, args);
  assert.ok(!res.isError, `${name} failed: ${res.content[0]?.text}`);
  return res.structuredContent as Record<string, unknown>;
}

/** The error text of a call that must fail. */
async function fails(client: Client, name: string, args: Record<string, unknown> = {}) {
  const res = await call(client, name, args);
  assert.equal(res.isError, true, `${name} should fail: ${JSON.stringify(res).slice(0, 300)}`);
  return res.content[0].text ?? "";
}

/** The reference of the element on a snapshot line matching `line`. */
function refOf(snapshot: string, line: RegExp): string {
  const found = snapshot.split("\n").find((l) => line.test(l));
  const ref = found && /\[ref=([a-z0-9]+)\]/.exec(found)?.[1];
  assert.ok(ref, `no element like ${line} in:\n${snapshot}`);
  return ref;
}

/** Decodes a PNG fully (chunks, CRCs, inflated pixel rows) and returns its size. */
function decodePng(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "PNG signature");
  let at = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + len);
    assert.equal(
      bytes.readUInt32BE(at + 8 + len),
      zlib.crc32(bytes.subarray(at + 4, at + 8 + len)),
    );
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, "8 bits per channel");
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
    } else if (type === "IDAT") idat.push(data);
    at += 12 + len;
    if (type === "IEND") break;
  }
  const pixels = zlib.inflateSync(Buffer.concat(idat));
  assert.equal(pixels.length, height * (1 + width * channels), "pixel rows of the declared size");
  return { width, height };
}

const TOOLS = [
  "navigate",
  "navigate_back",
  "tabs",
  "resize",
  "wait_for",
  "close",
  "snapshot",
  "take_screenshot",
  "console_messages",
  "network_requests",
  "evaluate",
  "pdf_save",
  "click",
  "type",
  "fill_form",
  "press_key",
  "hover",
  "drag",
  "select_option",
  "file_upload",
  "handle_dialog",
].map((m) => `browser_${m}`);

describe("browser service through the router's MCP gateway", () => {
  let harness: BrowserHarness;
  let client: Client;
  before(async () => {
    harness = await startHarness({ callTimeoutMs: 4000, deny: ["*/private*"] });
    client = await harness.mcp();
  });
  after(() => harness?.close());

  it("refuses an MCP client without credentials over TCP", async () => {
    const res = await fetch(`${harness.router}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "browser_navigate", arguments: { url: `${harness.pages}/form` } },
      }),
    });
    assert.equal(res.status, 401);
    await res.body?.cancel();
    assert.equal(
      harness.service.sessions.host.state().state,
      "not_started",
      "nothing reached Chromium",
    );
  });

  it("lists Playwright MCP's tools with the same annotations, Chromium not started", async () => {
    assert.equal(harness.service.sessions.host.state().state, "not_started");
    const { tools } = await client.listTools();
    const browser = tools.filter((t) => t.name.startsWith("browser_"));
    assert.deepEqual(browser.map((t) => t.name).sort(), [...TOOLS].sort());
    const byName = new Map(browser.map((t) => [t.name, t]));
    for (const read of ["snapshot", "take_screenshot", "console_messages", "wait_for"]) {
      assert.deepEqual(byName.get(`browser_${read}`)!.annotations, {
        readOnlyHint: true,
        destructiveHint: false,
        openWorldHint: true,
      });
    }
    assert.equal(byName.get("browser_click")!.annotations?.destructiveHint, true);
    assert.deepEqual(byName.get("browser_navigate")!.inputSchema.required, ["url"]);
  });

  it("navigates, snapshots, clicks, types, reads the console and takes a screenshot", async () => {
    const page = await ok(client, "browser_navigate", { url: `${harness.pages}/form` });
    assert.equal(page.title, "Hero test form");
    assert.equal(harness.service.sessions.host.state().state, "running", "started on first use");
    const snap = (await ok(client, "browser_snapshot")).snapshot as string;
    assert.match(snap, /heading "Waiting"/);
    const clicked = await ok(client, "browser_click", {
      element: "Press me button",
      target: refOf(snap, /button "Press me"/),
    });
    assert.match(clicked.snapshot as string, /heading "Pressed"/);
    const typed = await ok(client, "browser_type", {
      element: "name field",
      target: refOf(snap, /textbox "Your name"/),
      text: "Ada",
    });
    assert.match(typed.snapshot as string, /textbox "Your name"[^\n]*: Ada/);
    const log = await ok(client, "browser_console_messages", { level: "info" });
    const texts = (log.messages as { type: string; text: string }[]).map((m) =>
      `${m.type}:${m.text}`
    );
    assert.deepEqual(texts, ["log:button pressed", "error:a deliberate error", "info:typed Ada"]);
    const errorsOnly = await ok(client, "browser_console_messages", { level: "error" });
    assert.equal((errorsOnly.messages as unknown[]).length, 1);

    await ok(client, "browser_resize", { width: 640, height: 480 });
    const shot = await call(client, "browser_take_screenshot", {});
    assert.ok(!shot.isError, shot.content[0]?.text);
    const image = shot.content.find((c) => c.type === "image");
    assert.ok(image, "the screenshot comes back as image content");
    assert.equal(image.mimeType, "image/png");
    assert.deepEqual(decodePng(Buffer.from(image.data!, "base64")), { width: 640, height: 480 });
    // Not also as base64 text: the structured part names the image instead.
    assert.match(JSON.stringify(shot.structuredContent), /\[image image\/png, \d+ bytes/);

    const pdf = await call(client, "browser_pdf_save");
    const resource = pdf.content.find((c) => c.type === "resource") as unknown as {
      resource: { mimeType: string; blob: string };
    };
    assert.equal(resource.resource.mimeType, "application/pdf");
    assert.equal(Buffer.from(resource.resource.blob, "base64").subarray(0, 5).toString(), "%PDF-");
  });

  it("gives two callers separate contexts", async () => {
    await ok(client, "browser_navigate", { url: `${harness.pages}/form`, context: "alice" });
    await ok(client, "browser_evaluate", {
      function: "() => { localStorage.setItem('who', 'alice'); document.cookie = 'c=alice'; }",
      context: "alice",
    });
    await ok(client, "browser_tabs", { action: "new", context: "alice" });
    await ok(client, "browser_navigate", { url: `${harness.pages}/form`, context: "bob" });
    const bob = await ok(client, "browser_evaluate", {
      function: "() => [localStorage.getItem('who'), document.cookie]",
      context: "bob",
    });
    assert.deepEqual(bob.result, [null, ""]);
    await ok(client, "browser_tabs", { action: "select", index: 0, context: "alice" });
    const alice = await ok(client, "browser_evaluate", {
      function: "() => [localStorage.getItem('who'), document.cookie]",
      context: "alice",
    });
    assert.deepEqual(alice.result, ["alice", "c=alice"]);
    const tabs = async (context: string) =>
      ((await ok(client, "browser_tabs", { action: "list", context })).tabs as unknown[]).length;
    assert.equal(await tabs("alice"), 2);
    assert.equal(await tabs("bob"), 1);
  });

  it("refuses file://, denied URLs, redirects to them and other schemes", async () => {
    assert.match(
      await fails(client, "browser_navigate", { url: "file:///etc/passwd" }),
      /Navigation refused: file:\/\/ URLs are refused/,
    );
    assert.match(
      await fails(client, "browser_navigate", { url: `file://${harness.root}/browser/rpc.sock` }),
      /Navigation refused/,
    );
    assert.match(
      await fails(client, "browser_navigate", { url: `${harness.pages}/private` }),
      /matches the deny list/,
    );
    assert.match(
      await fails(client, "browser_navigate", { url: `${harness.pages}/to-private` }),
      /Navigation refused.*private/,
    );
    assert.match(
      await fails(client, "browser_navigate", { url: `${harness.pages}/to-file` }),
      /refused|not allowed|ERR_/i,
    );
    assert.match(
      await fails(client, "browser_navigate", { url: "chrome://settings" }),
      /chrome: URLs are refused/,
    );
    const page = await ok(client, "browser_snapshot");
    assert.doesNotMatch(String(page.snapshot), /secret|root:/);
  });

  it("cuts a page that never answers off at the time limit and closes its tab", async () => {
    const started = Date.now();
    const text = await fails(client, "browser_navigate", {
      url: `${harness.pages}/hang`,
      context: "hang",
    });
    const took = Date.now() - started;
    assert.match(text, /took longer than the 4000 ms limit; the tab was closed/);
    assert.ok(took >= 4000 && took < 9000, `cut off after ${took} ms`);
    const tabs = await ok(client, "browser_tabs", { action: "list", context: "hang" });
    assert.deepEqual(tabs.tabs, []);
    const again = await ok(client, "browser_navigate", {
      url: `${harness.pages}/form`,
      context: "hang",
    });
    assert.equal(again.title, "Hero test form");
  });

  it("reports a browser crash to the call it broke and recovers on the next call", async () => {
    await ok(client, "browser_navigate", { url: `${harness.pages}/form`, context: "crash" });
    const pid = harness.service.sessions.host.pid;
    assert.ok(pid, "chromium's pid is known");
    const pending = call(client, "browser_wait_for", { time: 3, context: "crash" });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid, "SIGKILL");
    const broken = await pending;
    assert.equal(broken.isError, true);
    assert.match(broken.content[0].text!, /The browser crashed during wait_for; it starts again/);
    const state = harness.service.sessions.host.state();
    assert.equal(state.crashes, 1);
    const recovered = await ok(client, "browser_navigate", {
      url: `${harness.pages}/form`,
      context: "crash",
    });
    assert.equal(recovered.title, "Hero test form");
    assert.match(String(recovered.notice), /browser had crashed/);
    assert.notEqual(harness.service.sessions.host.pid, pid);
  });

  it("logs every action in hero_proc's log store under browser.<context>.action", async () => {
    const lines = await waitFor("alice's actions in the log store", async () => {
      const page = await harness.proc.call<
        { lines: { source: string; message: string; level: string }[] }
      >(
        "logs.query",
        { source: "browser.alice.action", order: "oldest" },
      );
      return page.lines.length >= 5 ? page.lines : undefined;
    });
    assert.deepEqual(
      lines.map((l) => l.message),
      ["navigate", "evaluate", "tabs", "tabs", "evaluate", "tabs"],
    );
    const refused = await harness.proc.call<{ lines: { message: string; level: string }[] }>(
      "logs.query",
      { source: "browser.default.action", level: "warn" },
    );
    assert.ok(
      refused.lines.some((l) => l.message === "navigate"),
      "refused navigations are logged",
    );
  });
});
