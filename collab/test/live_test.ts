/**
 * Live events: the real WebSocket on admin.sock carries JSON-RPC calls and the event stream; a
 * client that reconnects with its cursor receives exactly what it missed (no gap, no
 * duplicate), only what it may see, and presence and typing as ephemeral notices.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { LiveHub } from "../src/live/live_hub.ts";
import { callerFor, type CollabHarness, startHarness } from "./harness.ts";
import { startWsForwarder } from "./ws_forwarder.ts";
import { userCaller } from "../src/identity/caller.ts";
import { RpcClient } from "@hero/sdk";

// deno-lint-ignore no-explicit-any
type Any = any;

/** An in-memory client of the hub. */
function memoryClient(hub: LiveHub, who: string) {
  const got: Any[] = [];
  const conn = hub.open(callerFor(who), {
    send: (t) => got.push(JSON.parse(t)),
    buffered: () => 0,
    close: () => {},
  });
  const events = () => got.filter((m) => m.method === "collab.event").map((m) => m.params);
  return { conn, got, events };
}

describe("hero_collab live events (hub)", () => {
  let harness: CollabHarness;
  let hub: LiveHub;
  before(async () => {
    harness = await startHarness();
    hub = new LiveHub(harness.svc);
  });
  after(() => {
    hub.shutdown();
    harness.close();
  });

  it("sends each reader what they may see, once, in seq order", async () => {
    const bob = memoryClient(hub, "bob");
    const dave = memoryClient(hub, "dave");
    hub.subscribe(bob.conn, hub.head());
    hub.subscribe(dave.conn, hub.head());
    const priv = await harness.call<Any>("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "bob-and-alice",
      kind: "private",
    });
    await harness.call("alice", "channels.invite", { id: priv.id, user_ids: ["u-bob"] });
    await harness.call("alice", "messages.post", { channel_id: priv.id, text: "private hello" });
    await harness.call("alice", "messages.post", {
      channel_id: harness.generalId,
      text: "public hello",
    });
    const texts = (c: ReturnType<typeof memoryClient>) =>
      c.events().filter((e) => e.type === "message.posted").map((e) => e.data.message.text);
    assert.deepEqual(texts(bob), ["private hello", "public hello"]);
    assert.deepEqual(texts(dave), ["public hello"]);
    for (const c of [bob, dave]) {
      const seqs = c.events().map((e) => e.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      assert.equal(new Set(seqs).size, seqs.length);
    }
    hub.close(bob.conn);
    hub.close(dave.conn);
  });

  it("catches a reconnecting client up exactly from its cursor", async () => {
    const first = memoryClient(hub, "bob");
    hub.subscribe(first.conn, hub.head());
    await harness.call("alice", "messages.post", { channel_id: harness.generalId, text: "one" });
    await harness.call("alice", "messages.post", { channel_id: harness.generalId, text: "two" });
    const cursor = first.events().at(-1).seq;
    hub.close(first.conn); // the tab loses its connection
    for (const t of ["three", "four", "five"]) {
      await harness.call("alice", "messages.post", { channel_id: harness.generalId, text: t });
    }
    const again = memoryClient(hub, "bob");
    const sub = hub.subscribe(again.conn, cursor);
    await harness.call("alice", "messages.post", { channel_id: harness.generalId, text: "six" });
    const all = [...first.events(), ...again.events()].filter((e) => e.type === "message.posted");
    assert.deepEqual(all.map((e) => e.data.message.text), [
      "one",
      "two",
      "three",
      "four",
      "five",
      "six",
    ]);
    assert.equal(sub.replayed, again.events().length - 1);
    // Replaying from an old cursor twice gives the same events: the log is the truth.
    const replay = memoryClient(hub, "bob");
    hub.subscribe(replay.conn, cursor);
    assert.deepEqual(
      replay.events().map((e) => e.seq),
      again.events().map((e) => e.seq),
    );
    hub.close(again.conn);
    hub.close(replay.conn);
  });

  it("follows hero_auth group changes on open connections", async () => {
    const dave = memoryClient(hub, "dave");
    hub.subscribe(dave.conn, hub.head());
    const team = await harness.call<Any>("carol", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "eng-only",
      kind: "private",
      groups: ["eng"],
    });
    await harness.call("alice", "messages.post", { channel_id: team.id, text: "before dave" });
    harness.source.groups_.find((g) => g.name === "eng")!.members.push("u-dave");
    await harness.svc.syncDirectory();
    await harness.call("alice", "messages.post", { channel_id: team.id, text: "after dave" });
    const texts = dave.events().filter((e) => e.type === "message.posted").map((e) =>
      e.data.message.text
    );
    assert.deepEqual(texts, ["after dave"]);
    harness.source.groups_.find((g) => g.name === "eng")!.members.pop();
    await harness.svc.syncDirectory();
    hub.close(dave.conn);
  });

  it("asks for a resync when the cursor is older than the retained log", () => {
    const head = hub.head();
    harness.svc.store.db.prepare("DELETE FROM events WHERE seq < ?").run(head - 1);
    const c = memoryClient(hub, "bob");
    const sub = hub.subscribe(c.conn, 1);
    assert.equal(sub.resync, true);
    assert.equal(c.got[0].method, "collab.resync");
    hub.close(c.conn);
  });

  it("reports presence and typing without storing them", () => {
    const bob = memoryClient(hub, "bob");
    hub.subscribe(bob.conn, hub.head());
    const before = hub.head();
    const alice = memoryClient(hub, "alice");
    hub.subscribe(alice.conn, hub.head());
    hub.setStatus(alice.conn, "away");
    hub.typing(harness.svc.access.actor(callerFor("alice")), harness.generalId);
    const notes = bob.got.filter((m) => m.method === "collab.ephemeral").map((m) => m.params);
    assert.deepEqual(notes.filter((n) => n.type === "presence").map((n) => n.presence), [
      "active",
      "away",
    ]);
    assert.ok(notes.some((n) => n.type === "typing" && n.username === "alice"));
    assert.equal(hub.head(), before, "ephemeral notices are not events");
    assert.equal(hub.presenceOf("u-alice"), "away");
    hub.close(alice.conn);
    assert.equal(hub.presenceOf("u-alice"), "offline");
    hub.close(bob.conn);
  });
});

describe("hero_collab live WebSocket (admin.sock)", () => {
  let root: string;
  let collab: RunningCollab;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-ws-"));
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "s"),
      authSocket: false,
    });
  });
  after(async () => {
    await collab.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const connect = (headers: Record<string, string> = {}) =>
    new WebSocket("ws+unix://" + path.join(root, "s", "hero_collab", "admin.sock") + ":/ws", {
      headers,
    });

  it("runs JSON-RPC calls and streams events over one socket", async () => {
    const ws = connect();
    const inbox: Any[] = [];
    const waiting = new Map<number, (m: Any) => void>();
    ws.on("message", (raw) => {
      const m = JSON.parse(String(raw));
      if (m.id !== undefined) waiting.get(m.id)?.(m);
      else inbox.push(m);
    });
    await new Promise((r) => ws.once("open", r));
    let id = 0;
    const call = (method: string, params: Any = {}) =>
      new Promise<Any>((resolve) => {
        waiting.set(++id, resolve);
        ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      });
    const sub = await call("live.subscribe", {});
    assert.equal(typeof sub.result.head, "number");
    const [w] = (await call("workspaces.list")).result;
    const [general] = (await call("channels.list", { workspace_id: w.id })).result;
    const posted =
      (await call("messages.post", { channel_id: general.id, text: "over ws" })).result;
    assert.equal(posted.text, "over ws");
    const bad = await call("messages.post", { channel_id: general.id });
    assert.equal(bad.error.code, -32602);
    await new Promise((r) => setTimeout(r, 50));
    const event = inbox.find((m) =>
      m.method === "collab.event" && m.params.type === "message.posted"
    );
    assert.equal(event.params.data.message.id, posted.id);
    assert.ok(event.params.seq > sub.result.head);
    ws.close();
  });

  it("refuses forwarded upgrades without a credential and cross-site origins", async () => {
    for (
      const [headers, status] of [
        [{ "x-forwarded-for": "127.0.0.1" }, 401],
        [{ origin: "http://evil.example", host: "localhost" }, 403],
      ] as const
    ) {
      const ws = connect(headers);
      const code = await new Promise<number>((resolve) => {
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => resolve(101));
        ws.on("error", () => {});
      });
      assert.equal(code, status);
      ws.terminate();
    }
  });

  it("knows callers by hero_router's signed assertion on the socket, over RPC and on the page", async () => {
    // erin signed in through hero_auth after hero_collab's last directory sync.
    const erin = userCaller({ id: "u-erin", username: "erin" });
    const fw = await startWsForwarder(path.join(root, "s"), { caller: erin });
    try {
      const wsUrl = `${fw.origin.replace("http", "ws")}/hero_collab/admin/ws`;
      const ws = new WebSocket(wsUrl, { headers: { origin: fw.origin } });
      const replies = new Map<number, Any>();
      ws.on("message", (raw) => {
        const m = JSON.parse(String(raw));
        if (m.id !== undefined) replies.set(m.id, m);
      });
      await new Promise((r) => ws.once("open", r));
      const call = async (id: number, method: string, params: Any = {}) => {
        ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
        while (!replies.has(id)) await new Promise((r) => setTimeout(r, 10));
        return replies.get(id);
      };
      assert.equal((await call(1, "users.me")).result.username, "erin");
      const [w] = (await call(2, "workspaces.list")).result;
      const channels = (await call(3, "channels.list", { workspace_id: w.id })).result;
      const general = channels.find((c: Any) => c.name === "general");
      assert.equal(general.member, true, "a newcomer starts in #general");
      const posted = await call(4, "messages.post", {
        channel_id: general.id,
        text: "hi, erin here",
      });
      assert.equal(posted.result.user.username, "erin");
      ws.close();

      const rpc = await fetch(`${fw.origin}/hero_collab/rpc/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "users.me", params: {} }),
      });
      assert.equal((await rpc.json()).result.username, "erin");
      const page = await fetch(`${fw.origin}/hero_collab/admin/`);
      assert.match(await page.text(), /data-username="erin"/);
      const write = await fetch(`${fw.origin}/hero_collab/admin/files?channel_id=x&name=a`, {
        method: "POST",
        body: "a",
      });
      assert.equal(write.status, 403, "a cookie session writes only with the CSRF header");
    } finally {
      await fw.close();
    }
    const direct = new RpcClient(collab.server.rpcSocketPath);
    try {
      const me = await direct.call<Any>("users.me", {});
      assert.equal(me.username, "owner", "the Unix socket's owner, without an assertion");
    } finally {
      direct.close();
    }
  });
});
