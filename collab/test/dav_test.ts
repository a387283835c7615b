/**
 * The read-only WebDAV export with real clients: Debian's `rclone` copies a workspace out
 * (through a proxy, with a bearer token) and the files hold exactly the messages; `litmus`
 * runs its applicable checks (OPTIONS passes; its suites need a writable collection, which
 * is refused with 403); writes of every kind answer 403, and a caller without a credential 401.
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
import { startWsForwarder, type WsForwarder } from "./ws_forwarder.ts";

const run = promisify(execFile);
// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab WebDAV export", () => {
  let root: string;
  let collab: RunningCollab;
  let fw: WsForwarder;
  let rpc: RpcClient;
  let dav: string;
  const token = "dav-test-admin-token";
  let general: Any;
  let posted: Any[] = [];

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-dav-"));
    process.env.HERO_ADMIN_TOKEN = token;
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "s"),
      authSocket: false,
    });
    fw = await startWsForwarder(path.join(root, "s"));
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
      `:webdav,url='${dav}',bearer_token='${token}':`,
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
    const auth = { authorization: `Bearer ${token}` };
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
        headers: auth,
        body: method === "PUT" ? "x" : undefined,
      });
      assert.equal(res.status, 403, method);
      await res.body?.cancel();
    }
    const anon = await fetch(dav, { method: "PROPFIND", headers: { depth: "1" } });
    assert.equal(anon.status, 401);
    const list = await fetch(`${dav}hero/general/`, {
      method: "PROPFIND",
      headers: { ...auth, depth: "1" },
    });
    assert.equal(list.status, 207);
    assert.match(await list.text(), /\/hero_collab\/web_dav\/hero\/general\/files\//);
    const day = posted[0].created_at.slice(0, 10);
    const range = await fetch(`${dav}hero/general/${day}.md`, {
      headers: { ...auth, range: "bytes=0-9" },
    });
    assert.equal(range.status, 206);
    assert.equal((await range.text()).length, 10);
  });

  it("passes litmus's applicable checks (a read-only server refuses its scratch collection)", async () => {
    const proxied = await startWsForwarder(path.join(root, "s"), { bearer: token });
    try {
      const { stdout } = await run("litmus", [`${proxied.origin}/hero_collab/web_dav/`], {
        timeout: 60_000,
        cwd: root,
        env: { ...process.env, TESTS: "basic" },
      }).catch((err) => err);
      assert.match(stdout, /0\. init\.+ pass/);
      assert.match(stdout, /begin\.+ FAIL \(Could not create new collection .*403 Forbidden/);
    } finally {
      await proxied.close();
    }
  });
});
