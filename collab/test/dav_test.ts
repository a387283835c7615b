/**
 * The read-only WebDAV export with real clients: Debian's `rclone` copies a workspace out and
 * `cadaver` a channel (through a proxy that adds the credential, as hero_router does), and the
 * files hold exactly the messages; `litmus` runs every check that applies to a read-only
 * server; writes of every kind answer 403, and a caller without a credential 401.
 *
 * litmus cannot be pointed at an existing collection: every suite (basic, copymove, props,
 * locks, http) runs `init` (OPTIONS on the URL: the server must answer and claim DAV class 1),
 * then `begin`, which must create `<URL>/litmus/` with MKCOL and stops the suite when it cannot
 * ("Server must allow MKCOL ... for tests to proceed"); its only options are -k, -p and -c, and
 * $TESTS only picks whole suites. So the applicable checks are the five `init`s, which pass,
 * and the five `begin`s, which must be refused with 403 — and are.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "@hero/sdk";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { ADMIN_TOKEN_CALLER, startWsForwarder, type WsForwarder } from "./ws_forwarder.ts";
import { assertLitmusReadOnly, runWithInput } from "./dav_clients.ts";

const run = promisify(execFile);

// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab WebDAV export", () => {
  let root: string;
  let collab: RunningCollab;
  let fw: WsForwarder;
  let rpc: RpcClient;
  let dav: string;
  let general: Any;
  let posted: Any[] = [];

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-dav-"));
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "s"),
      authSocket: false,
    });
    fw = await startWsForwarder(path.join(root, "s"), { caller: ADMIN_TOKEN_CALLER });
    dav = `${fw.origin}/hero_collab/web_dav/`;
    rpc = new RpcClient(collab.server.rpcSocketPath);
    const [ws] = await rpc.call<Any[]>("workspaces.list", {});
    [general] = await rpc.call<Any[]>("channels.list", { workspace_id: ws.id });
    const root1 = await rpc.call<Any>("messages.post", {
      channel_id: general.id,
      text: "Export me: **bold** and ünïcödé",
    });
    const reply = await rpc.call<Any>("messages.post", {
      channel_id: general.id,
      thread_id: root1.id,
      text: "a reply",
    });
    const file = await rpc.call<Any>("files.upload", {
      channel_id: general.id,
      name: "notes.txt",
      content_base64: Buffer.from("attached bytes\n").toString("base64"),
    });
    const withFile = await rpc.call<Any>("messages.post", {
      channel_id: general.id,
      text: "see file",
      files: [file.id],
    });
    posted = [root1, reply, withFile];
  });
  after(async () => {
    rpc.close();
    await fw.close();
    await collab.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("is copied out by rclone, and the bytes are the messages", async () => {
    const out = path.join(root, "copy");
    await run("rclone", [
      "copy",
      `:webdav,url='${dav}':`,
      out,
      "--config",
      "/dev/null",
    ], { timeout: 60_000 });
    const day = posted[0].created_at.slice(0, 10);
    const json = JSON.parse(
      fs.readFileSync(path.join(out, "hero", "general", `${day}.json`), "utf8"),
    );
    assert.deepEqual(
      json.map((m: Any) => [m.id, m.text, m.thread_id]),
      posted.map((m) => [m.id, m.text, m.thread_id]),
    );
    const md = fs.readFileSync(path.join(out, "hero", "general", `${day}.md`), "utf8");
    assert.match(md, /Export me: \*\*bold\*\* and ünïcödé/);
    assert.match(md, /> ↳ a reply/);
    const files = fs.readdirSync(path.join(out, "hero", "general", "files"));
    assert.equal(files.length, 1);
    assert.equal(
      fs.readFileSync(path.join(out, "hero", "general", "files", files[0]), "utf8"),
      "attached bytes\n",
    );
    const lines = fs.readFileSync(path.join(out, "export.jsonl"), "utf8").trim().split("\n").map((
      l,
    ) => JSON.parse(l));
    assert.deepEqual(lines[0], { type: "version", version: 1 });
    const post = lines.find((l) => l.type === "post" && l.post.message.startsWith("Export me"));
    assert.deepEqual(post.post.replies.map((r: Any) => r.message), ["a reply"]);
  });

  it("refuses writes with 403 and callers without a credential with 401", async () => {
    for (
      const method of [
        "PUT",
        "DELETE",
        "MKCOL",
        "COPY",
        "MOVE",
        "PROPPATCH",
        "LOCK",
        "UNLOCK",
        "POST",
      ]
    ) {
      const res = await fetch(`${dav}hero/general/x.md`, {
        method,
        body: method === "PUT" ? "x" : undefined,
      });
      assert.equal(res.status, 403, method);
      await res.body?.cancel();
    }
    const nobody = await startWsForwarder(path.join(root, "s"));
    const anon = await fetch(`${nobody.origin}/hero_collab/web_dav/`, {
      method: "PROPFIND",
      headers: { depth: "1" },
    });
    assert.equal(anon.status, 401, "a proxy that vouches for nobody gets nobody in");
    const forged = await fetch(`${nobody.origin}/hero_collab/web_dav/`, {
      method: "PROPFIND",
      headers: { depth: "1", "x-hero-caller": "eyJhbGciOiJub25lIn0.e30." },
    });
    assert.equal(forged.status, 401, "nor does a forged assertion");
    await nobody.close();
    const list = await fetch(`${dav}hero/general/`, {
      method: "PROPFIND",
      headers: { depth: "1" },
    });
    assert.equal(list.status, 207);
    assert.match(await list.text(), /\/hero_collab\/web_dav\/hero\/general\/files\//);
    const day = posted[0].created_at.slice(0, 10);
    const range = await fetch(`${dav}hero/general/${day}.md`, {
      headers: { range: "bytes=0-9" },
    });
    assert.equal(range.status, 206);
    assert.equal((await range.text()).length, 10);
  });

  it("is copied out by cadaver, channel by channel, byte for byte", async () => {
    const proxied = await startWsForwarder(path.join(root, "s"), { caller: ADMIN_TOKEN_CALLER });
    const out = fs.mkdtempSync(path.join(root, "cadaver-"));
    try {
      const day = posted[0].created_at.slice(0, 10);
      const log = await runWithInput(
        "cadaver",
        [`${proxied.origin}/hero_collab/web_dav/`],
        `ls\ncd hero/general\nls\nlcd ${out}\nget ${day}.md\nget ${day}.json\nput /etc/hostname x.txt\nmkcol foo\nquit\n`,
        root,
      );
      assert.match(log, /Listing collection `\/hero_collab\/web_dav\/': succeeded/);
      assert.match(log, /export\.jsonl/);
      assert.match(log, /Uploading .* failed:\s+403 Forbidden/);
      assert.match(log, /Creating `foo': failed:\s+403 Forbidden/);
      const viaRpc = await fetch(`${dav}hero/general/${day}.json`, {});
      assert.deepEqual(
        fs.readFileSync(path.join(out, `${day}.json`)),
        Buffer.from(await viaRpc.arrayBuffer()),
      );
      const json = JSON.parse(fs.readFileSync(path.join(out, `${day}.json`), "utf8"));
      assert.deepEqual(json.map((m: Any) => m.text), posted.map((m) => m.text));
      assert.match(fs.readFileSync(path.join(out, `${day}.md`), "utf8"), /Export me: \*\*bold\*\*/);
    } finally {
      await proxied.close();
    }
  });

  it("answers properties it does not have with 404 inside a 207, and allows only reads", async () => {
    // cadaver asks for Apache's `executable` on connect: this answered 500 once.
    const res = await fetch(dav, {
      method: "PROPFIND",
      headers: { depth: "0", "content-type": "application/xml" },
      body: `<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop>` +
        `<getlastmodified/><executable xmlns="http://apache.org/dav/props/"/><resourcetype/>` +
        `</prop></propfind>`,
    });
    assert.equal(res.status, 207);
    const xml = await res.text();
    assert.match(xml, /HTTP\/1\.1 404/);
    assert.match(xml, /collection/);
    const options = await fetch(dav, { method: "OPTIONS" });
    assert.equal(options.headers.get("allow"), "OPTIONS, GET, HEAD, PROPFIND");
    assert.match(options.headers.get("dav") ?? "", /^1\b/);
    const broken = await fetch(dav, {
      method: "PROPFIND",
      headers: { depth: "0", "content-type": "application/xml" },
      body: "<propfind xmlns='DAV:'><prop><unclosed></prop>",
    });
    assert.equal(broken.status, 400);
    assert.doesNotMatch(await broken.text(), /\bat .*\.js:\d+/, "no stack trace");
  });

  it("passes every litmus check that applies to a read-only server", async () => {
    const proxied = await startWsForwarder(path.join(root, "s"), { caller: ADMIN_TOKEN_CALLER });
    try {
      const { stdout } = await run("litmus", ["-k", `${proxied.origin}/hero_collab/web_dav/`], {
        timeout: 60_000,
        cwd: root,
      }).catch((err) => err);
      assertLitmusReadOnly(stdout);
    } finally {
      await proxied.close();
    }
  });
});
