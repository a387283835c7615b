/**
 * Uploads: bytes stored once per content hash, image size and a WebP preview made with sharp,
 * types sniffed from the bytes (a "PNG" that is not one is a plain download), the size limit,
 * attaching to a message, and the web socket's streamed upload and download (CSP, disposition)
 * as a user the router vouches for.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { userCaller } from "../src/identity/caller.ts";
import { type CollabHarness, refused, startHarness, StaticDirectory } from "./harness.ts";
import { startWsForwarder, type WsForwarder } from "./ws_forwarder.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 90 } } })
    .png().toBuffer();

describe("uploads through the API", () => {
  let harness: CollabHarness;
  before(async () => {
    harness = await startHarness({ limits: { maxUploadBytes: 64 * 1024 } });
  });
  after(() => harness.close());

  const upload = (who: string, name: string, bytes: Uint8Array, mime?: string) =>
    harness.call<Any>(who, "files.upload", {
      channel_id: harness.generalId,
      name,
      ...(mime ? { mime } : {}),
      content_base64: Buffer.from(bytes).toString("base64"),
    });

  it("stores an image once, with its size and a WebP preview, and attaches it", async () => {
    const bytes = await png(1200, 600);
    const a = await upload("alice", "wide.png", bytes);
    const b = await upload("bob", "again.png", bytes);
    assert.equal(a.sha256, b.sha256);
    assert.deepEqual([a.mime, a.width, a.height, a.has_preview], ["image/png", 1200, 600, true]);
    const blobs = fs.readdirSync(path.join(harness.svc.files.dir, "blobs", a.sha256.slice(0, 2)));
    assert.deepEqual(blobs, [a.sha256], "the bytes are kept once");
    const preview = Buffer.from(
      await harness.call<string>("alice", "files.preview", { id: a.id }),
      "base64",
    );
    const meta = await sharp(preview).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 480, 240]);
    await refused(harness.call("bob", "files.get", { id: a.id }), 4004, /No file/);
    const m = await harness.call<Any>("alice", "messages.post", {
      channel_id: harness.generalId,
      text: "look",
      files: [a.id],
    });
    assert.equal(m.files[0].id, a.id);
    assert.equal((await harness.call<Any>("bob", "files.get", { id: a.id })).name, "wide.png");
    await refused(
      harness.call("alice", "messages.post", {
        channel_id: harness.generalId,
        text: "again",
        files: [a.id],
      }),
      -32602,
      /not an unattached upload of yours/,
    );
  });

  it("sniffs types from the bytes, cleans names and keeps to the size limit", async () => {
    const fake = await upload(
      "alice",
      "fake.png",
      new TextEncoder().encode("<svg onload=x>"),
      "image/png",
    );
    assert.deepEqual([fake.mime, fake.has_preview], ["application/octet-stream", false]);
    const named = await upload("alice", "../../etc/pass\u0000wd", new TextEncoder().encode("x"));
    assert.equal(named.name, ".._.._etc_pass_wd");
    await refused(
      upload("alice", "big.bin", new Uint8Array(65 * 1024)),
      4013,
      /the limit is 65536/,
    );
    await refused(upload("alice", "empty.txt", new Uint8Array(0)), -32602, /is empty/);
  });
});

describe("uploads and downloads on the web socket", () => {
  let root: string;
  let collab: RunningCollab;
  let fw: WsForwarder;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-files-"));
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "s"),
      authSocket: false,
      directorySource: new StaticDirectory([{
        id: "u-ann",
        username: "ann",
        display_name: "Ann",
        is_bot: false,
        disabled: false,
      }], []),
      limits: { maxUploadBytes: 256 * 1024 },
    });
    fw = await startWsForwarder(path.join(root, "s"), { caller: userCaller({ id: "u-ann" }) });
  });
  after(async () => {
    await fw.close();
    await collab.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("streams an upload in, and serves it back inert", async () => {
    const base = `${fw.origin}/hero_collab/admin`;
    const general = collab.svc.store.channels.where("name = 'general'")[0];
    const bytes = await png(64, 64);
    const res = await fetch(`${base}/files?channel_id=${general.id}&name=dot.png`, {
      method: "POST",
      headers: { "x-hero-csrf": "1", "content-type": "image/png" },
      body: bytes,
    });
    assert.equal(res.status, 201);
    const file = await res.json();
    assert.equal(file.has_preview, true);
    const big = await fetch(`${base}/files?channel_id=${general.id}&name=big.bin`, {
      method: "POST",
      headers: { "x-hero-csrf": "1" },
      body: new Uint8Array(300 * 1024),
    });
    assert.equal(big.status, 413);
    const html = await fetch(`${base}/files?channel_id=${general.id}&name=page.html`, {
      method: "POST",
      headers: { "x-hero-csrf": "1", "content-type": "text/html" },
      body: "<script>alert(1)</script>",
    });
    const page = await html.json();
    const got = await fetch(`${base}/files/${page.id}/download/page.html`);
    assert.equal(got.headers.get("content-type"), "application/octet-stream");
    assert.match(got.headers.get("content-disposition")!, /^attachment/);
    assert.equal(got.headers.get("content-security-policy"), "default-src 'none'; sandbox");
    const image = await fetch(`${base}/files/${file.id}/preview`);
    assert.equal(image.headers.get("content-type"), "image/webp");
    assert.deepEqual(
      Buffer.from(await (await fetch(`${base}/files/${file.id}/download/dot.png`)).arrayBuffer()),
      bytes,
    );
  });
});
