/**
 * The browser service's limits, called directly over its socket: tabs per context, page memory
 * (a page over it crashes and is reported), upload directories, context ids and the URL policy.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient, RpcError } from "@hero/sdk";
import { BrowserService } from "../src/browser_service.ts";
import { UrlPolicy } from "../src/chromium/url_policy.ts";

describe("browser service limits", () => {
  let dir: string;
  let service: BrowserService;
  let rpc: RpcClient;
  const fails = async (method: string, params: Record<string, unknown>) => {
    const err = await rpc.call(method, params).then(() => undefined, (e) => e);
    assert.ok(err instanceof RpcError, `${method} should fail`);
    return err.message;
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-browser-limits-"));
    fs.mkdirSync(path.join(dir, "uploads"));
    service = new BrowserService({
      socketRoot: path.join(dir, "s"),
      limits: { maxTabs: 2, pageMemoryMb: 32, uploadDirs: [path.join(dir, "uploads")] },
    });
    await service.start();
    rpc = new RpcClient(service.server.rpcSocketPath);
  });
  after(async () => {
    rpc?.close();
    await service?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a tab over the limit and closes popups over it", async () => {
    await rpc.call("navigate", { url: "about:blank", context: "tabs" });
    await rpc.call("tabs", { action: "new", context: "tabs" });
    assert.match(
      await fails("tabs", { action: "new", context: "tabs" }),
      /Cannot open a tab: this context has 2 of at most 2/,
    );
    await rpc.call("evaluate", {
      function: "() => { window.open('about:blank'); }",
      context: "tabs",
    });
    const list = await rpc.call<{ tabs: unknown[] }>("tabs", { action: "list", context: "tabs" });
    assert.equal(list.tabs.length, 2);
  });

  it("crashes a page over the memory limit, says so and closes its tab", async () => {
    await rpc.call("navigate", { url: "about:blank", context: "memory" });
    const message = await fails("evaluate", {
      function: "() => { const a = []; for (;;) a.push(new Array(1e6).fill(Math.random())); }",
      context: "memory",
    });
    assert.match(message, /The page crashed during evaluate \(over the 32 MiB page memory limit/);
    const again = await rpc.call<{ url: string }>("navigate", {
      url: "data:text/html,<title>ok</title>",
      context: "memory",
    });
    assert.match(again.url, /^data:/);
  });

  it("uploads only files inside the upload directories", async () => {
    const inside = path.join(dir, "uploads", "a.txt");
    fs.writeFileSync(inside, "hello");
    const page = "data:text/html,<input type=file id=f>";
    const snap = await rpc.call<{ snapshot: string }>("navigate", { url: page, context: "up" });
    const ref = /button[^\n]*\[ref=(e\d+)\]/.exec(snap.snapshot)?.[1] ?? "#f";
    await rpc.call("click", { target: ref, context: "up" });
    assert.match(
      await fails("file_upload", { paths: ["/etc/passwd"], context: "up" }),
      /only files inside the upload directories/,
    );
    await rpc.call("click", { target: ref, context: "up" });
    await rpc.call("file_upload", { paths: [inside], context: "up" });
    const name = await rpc.call<{ result: string }>("evaluate", {
      function: "() => document.getElementById('f').files[0].name",
      context: "up",
    });
    assert.equal(name.result, "a.txt");
  });

  it("refuses context ids outside [A-Za-z0-9_-]{1,64}", async () => {
    assert.match(await fails("snapshot", { context: "../x" }), /does not match pattern|Invalid/);
  });

  it("checks URLs: schemes, the socket root, allow and deny globs", () => {
    const policy = new UrlPolicy({
      allow: ["*.example.com", "http://127.0.0.1:*"],
      deny: ["*/admin*"],
      allowFile: true,
      socketRoot: "/run/hero",
    });
    assert.equal(policy.check("https://www.example.com/x"), undefined);
    assert.equal(policy.check("http://127.0.0.1:8080/page"), undefined);
    assert.match(policy.check("https://other.org/")!, /not on the allow list/);
    assert.match(policy.check("https://www.example.com/admin/x")!, /deny list/);
    assert.match(policy.check("file:///run/hero/browser/rpc.sock")!, /socket root/);
    assert.match(policy.check("file:///tmp/page.html")!, /not on the allow list/);
    const files = new UrlPolicy({ allow: [], deny: [], allowFile: true, socketRoot: "/run/hero" });
    assert.equal(files.check("file:///tmp/page.html"), undefined);
    assert.match(files.check("file:///run/hero")!, /socket root/);
    assert.match(policy.check("javascript:alert(1)")!, /javascript: URLs are refused/);
    assert.match(policy.check("not a url")!, /not a valid URL/);
    const strict = new UrlPolicy({ allow: [], deny: [], allowFile: false, socketRoot: "/r" });
    assert.match(strict.check("file:///tmp/x")!, /file:\/\/ URLs are refused/);
    assert.equal(strict.check("about:blank"), undefined);
  });
});
