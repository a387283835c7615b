/**
 * Webhooks. Incoming: a secret URL on the web socket posts into its channel as a bot, with
 * Slack/Mattermost payloads (JSON, form `payload=`, attachments), per-hook rate limits, and no
 * more reach than its maker has. Outgoing: a real HTTP receiver gets Mattermost's fields when
 * a message matches, its answer is posted back (in the thread for "comment"), failures are
 * retried and every attempt is recorded. Who may make, see and delete hooks.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "@hero/sdk";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { parseIncoming } from "../src/integrations/webhook_payloads.ts";
import { type CollabHarness, refused, startHarness, StaticDirectory } from "./harness.ts";
import { startWsForwarder, type WsForwarder } from "./ws_forwarder.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("webhooks: who may do what, and bad input", () => {
  let harness: CollabHarness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it("lets moderators make incoming hooks, shows the secret once, and hides hooks from others", async () => {
    await refused(
      harness.call("alice", "webhooks.create_incoming", {
        channel_id: harness.generalId,
        name: "ci",
      }),
      4003,
      /Only moderators/,
    );
    const alerts = await harness.call<Any>("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "alerts",
    });
    const made = await harness.call<Any>("alice", "webhooks.create_incoming", {
      channel_id: alerts.id,
      name: "CI",
    });
    assert.match(made.secret, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(made.path, `hooks/${made.webhook.id}/${made.secret}`);
    assert.equal(made.webhook.token_hash, undefined);
    const mine = await harness.call<Any[]>("alice", "webhooks.list", {
      workspace_id: harness.workspaceId,
    });
    assert.deepEqual(mine.map((w) => w.name), ["CI"]);
    assert.ok(!JSON.stringify(mine).includes(made.secret));
    assert.deepEqual(
      await harness.call<Any[]>("dave", "webhooks.list", { workspace_id: harness.workspaceId }),
      [],
    );
    const all = await harness.call<Any[]>("carol", "webhooks.list", {
      workspace_id: harness.workspaceId,
    });
    assert.equal(all.length, 1, "admins see every hook");
    await refused(harness.call("dave", "webhooks.delete", { id: made.webhook.id }), 4004);
    await refused(harness.call("dave", "webhooks.deliveries", { id: made.webhook.id }), 4004);

    const msg = harness.svc.webhooks.receive(made.webhook.id, made.secret, { text: "build green" });
    assert.equal(msg.kind, "bot");
    assert.equal(msg.user.username, "CI");
    assert.throws(
      () => harness.svc.webhooks.receive(made.webhook.id, made.secret + "x", { text: "x" }),
      /No such webhook/,
    );
    const renewed = await harness.call<Any>("alice", "webhooks.regenerate", {
      id: made.webhook.id,
    });
    assert.throws(
      () => harness.svc.webhooks.receive(made.webhook.id, made.secret, { text: "x" }),
      /No such webhook/,
      "the old secret stops working",
    );
    harness.svc.webhooks.receive(made.webhook.id, renewed.secret, { text: "still works" });
    const audit = harness.svc.store.audit.query({ action: "webhook." });
    assert.deepEqual(audit.map((a) => a.action), ["webhook.regenerated", "webhook.created"]);
  });

  it("posts no further than its maker reaches: not after they lose the channel, not when archived", async () => {
    const room = await harness.call<Any>("bob", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "bob-private",
      kind: "private",
    });
    await harness.call("bob", "channels.invite", { id: room.id, user_ids: ["u-alice"] });
    await harness.call("bob", "channels.set_role", {
      id: room.id,
      user_id: "u-alice",
      role: "moderator",
    });
    const hook = await harness.call<Any>("alice", "webhooks.create_incoming", {
      channel_id: room.id,
      name: "alice-bot",
    });
    harness.svc.webhooks.receive(hook.webhook.id, hook.secret, { text: "while alice is in" });
    await harness.call("bob", "channels.kick", { id: room.id, user_id: "u-alice" });
    assert.throws(
      () => harness.svc.webhooks.receive(hook.webhook.id, hook.secret, { text: "after" }),
      /No channel/,
    );
    const own = await harness.call<Any>("bob", "webhooks.create_incoming", {
      channel_id: room.id,
      name: "bob-bot",
    });
    await harness.call("bob", "channels.update", { id: room.id, archived: true });
    assert.throws(
      () => harness.svc.webhooks.receive(own.webhook.id, own.secret, { text: "archived" }),
      /archived/,
    );
    const page = await harness.call<Any>("bob", "messages.list", { channel_id: room.id });
    assert.deepEqual(page.messages.map((m: Any) => m.text), ["while alice is in"]);
  });

  it("limits each hook's rate", async () => {
    const hook = await harness.call<Any>("owner", "webhooks.create_incoming", {
      channel_id: harness.generalId,
      name: "flood",
    });
    let posted = 0;
    let error: Error | undefined;
    for (let i = 0; i < 40 && !error; i++) {
      try {
        harness.svc.webhooks.receive(hook.webhook.id, hook.secret, { text: `n${i}` });
        posted++;
      } catch (err) {
        error = err as Error;
      }
    }
    assert.equal(posted, harness.svc.limits.writeBurst);
    assert.match(String(error?.message), /Too many writes/);
  });

  it("keeps outgoing hooks to admins, public channels, http(s) URLs and real triggers", async () => {
    const base = { workspace_id: harness.workspaceId, name: "out", url: "http://127.0.0.1:9/x" };
    await refused(
      harness.call("alice", "webhooks.create_outgoing", { ...base, channel_id: harness.generalId }),
      4003,
      /admins/,
    );
    const secret = await harness.call<Any>("carol", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "carol-secret",
      kind: "private",
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ channel_id: secret.id }, /only to public channels/],
      [{ channel_id: harness.generalId, url: "file:///etc/passwd" }, /http or https/],
      [{ channel_id: harness.generalId, url: "not a url" }, /Invalid URL/],
      [{}, /needs a channel or trigger words/],
      [{ trigger_words: ["two words"] }, /one word/],
      [{ channel_id: harness.generalId, name: " " }, /1-64 characters/],
    ];
    const before = harness.svc.store.webhooks.where("1").length;
    for (const [patch, message] of cases) {
      await refused(
        harness.call("carol", "webhooks.create_outgoing", { ...base, ...patch }),
        -32602,
        message,
      );
    }
    assert.equal(harness.svc.store.webhooks.where("1").length, before, "nothing was made");
    const made = await harness.call<Any>("carol", "webhooks.create_outgoing", {
      ...base,
      trigger_words: ["deploy"],
    });
    assert.equal(made.webhook.channel_id, null);
    await refused(
      harness.call("carol", "webhooks.update", { id: made.webhook.id, url: "gopher://x" }),
      -32602,
    );
    const incoming = await harness.call<Any>("owner", "webhooks.create_incoming", {
      channel_id: harness.generalId,
      name: "in",
    });
    await refused(
      harness.call("owner", "webhooks.update", { id: incoming.webhook.id, url: "http://x/" }),
      -32602,
      /incoming webhook has no url/,
    );
  });

  it("reads Slack- and Mattermost-style payloads and refuses unusable ones", () => {
    assert.deepEqual(
      parseIncoming('{"text":"hi","username":"CI\\u0007bot","root_id":"m1"}', null),
      {
        text: "hi",
        username: "CIbot",
        thread_id: "m1",
      },
    );
    const form = parseIncoming(
      "payload=" + encodeURIComponent(JSON.stringify({ text: "from a form" })),
      "application/x-www-form-urlencoded",
    );
    assert.equal(form.text, "from a form");
    const rich = parseIncoming(
      JSON.stringify({
        attachments: [{
          pretext: "Deploy",
          title: "Build 42",
          title_link: "https://ci.example/42",
          text: "all green",
          fields: [{ title: "Branch", value: "main" }],
        }, { title: "x", title_link: "javascript:alert(1)" }],
      }),
      "application/json",
    );
    assert.equal(
      rich.text,
      "> Deploy\n> **[Build 42](https://ci.example/42)**\n> all green\n> **Branch**: main\n\n> **x**",
    );
    for (
      const [body, type, message] of [
        ["not json", null, /must be JSON/],
        ["[1]", null, /JSON object/],
        ['{"username":"x"}', null, /needs "text"/],
        ["text=hi", "application/x-www-form-urlencoded", /no "payload" field/],
      ] as const
    ) {
      assert.throws(() => parseIncoming(body, type), message);
    }
  });
});

describe("webhooks over real sockets and a real HTTP receiver", () => {
  let root: string;
  let collab: RunningCollab;
  let fw: WsForwarder;
  let rpc: RpcClient;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { path: string; type: string; body: string }[] = [];
  let failuresLeft = 0;
  let general: Any;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-hooks-"));
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push({ path: req.url ?? "", type: req.headers["content-type"] ?? "", body });
        if (req.url === "/slow") return; // never answers
        if (req.url === "/flaky" && failuresLeft-- > 0) {
          return void res.writeHead(503).end("busy");
        }
        if (req.url === "/redirect") {
          return void res.writeHead(302, { location: "http://127.0.0.1:9/" }).end();
        }
        const text = req.url === "/quiet" ? "" : `pong: ${JSON.parse(body).text ?? "?"}`;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({
          text,
          username: "pinger",
          response_type: req.url === "/comment" ? "comment" : "post",
        }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "s"),
      authSocket: false,
      directorySource: new StaticDirectory([], []),
      outgoing: { backoffMs: 20, timeoutMs: 400 },
    });
    fw = await startWsForwarder(path.join(root, "s"));
    rpc = new RpcClient(collab.server.rpcSocketPath);
    const [ws] = await rpc.call<Any[]>("workspaces.list", {});
    [general] = await rpc.call<Any[]>("channels.list", { workspace_id: ws.id });
  });
  after(async () => {
    rpc.close();
    await fw.close();
    await collab.close();
    receiver.closeAllConnections();
    receiver.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const history = async () =>
    (await rpc.call<Any>("messages.list", { channel_id: general.id, limit: 200 })).messages;

  it("takes JSON and form posts at hooks/<id>/<secret> through the proxy, and refuses bad ones", async () => {
    const hook = await rpc.call<Any>("webhooks.create_incoming", {
      channel_id: general.id,
      name: "Deploy bot",
    });
    const url = `${fw.origin}/hero_collab/admin/${hook.path}`;
    const json = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "Deployed **v2**", username: "deployer" }),
    });
    assert.equal(json.status, 200);
    const { message_id } = await json.json();
    const form = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "payload=" + encodeURIComponent(JSON.stringify({ text: "from curl -F" })),
    });
    assert.equal(form.status, 200);
    const wrong = await fetch(url.replace(hook.secret, "nope"), {
      method: "POST",
      body: '{"text":"x"}',
    });
    assert.equal(wrong.status, 404);
    const bad = await fetch(url, { method: "POST", body: "{" });
    assert.equal(bad.status, 400);
    const huge = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ text: "x".repeat(600 * 1024) }),
    });
    assert.equal(huge.status, 413);
    const tooLong = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ text: "x".repeat(20_000) }),
    });
    assert.equal(tooLong.status, 413, "over the message limit");
    const texts = (await history()).map((m: Any) => [m.text, m.user.username, m.kind]);
    assert.deepEqual(texts.slice(-2), [
      ["Deployed **v2**", "deployer", "bot"],
      ["from curl -F", "Deploy bot", "bot"],
    ]);
    assert.equal((await history()).at(-2).id, message_id);
  });

  it("calls an outgoing hook on its trigger word with Mattermost's fields and posts the answer", async () => {
    const made = await rpc.call<Any>("webhooks.create_outgoing", {
      workspace_id: general.workspace_id,
      name: "pinger",
      channel_id: general.id,
      url: `${receiverUrl}/comment`,
      trigger_words: ["ping"],
    });
    received.length = 0;
    await rpc.call("messages.post", { channel_id: general.id, text: "hello, nobody" });
    const trigger = await rpc.call<Any>("messages.post", {
      channel_id: general.id,
      text: "PING the bot",
    });
    await collab.svc.outgoing.idle();
    assert.equal(received.length, 1, "only the trigger word calls");
    const call = JSON.parse(received[0].body);
    assert.equal(received[0].type, "application/json");
    assert.equal(call.token, made.secret);
    assert.equal(call.trigger_word, "ping");
    assert.equal(call.text, "PING the bot");
    assert.equal(call.post_id, trigger.id);
    assert.equal(call.channel_name, "general");
    assert.equal(call.user_name, "owner");
    assert.equal(call.team_domain, "hero");
    const thread = await rpc.call<Any>("messages.thread", { id: trigger.id });
    assert.deepEqual(thread.replies.map((r: Any) => [r.text, r.user.username, r.kind]), [[
      "pong: PING the bot",
      "pinger",
      "bot",
    ]]);
    const [delivery] = await rpc.call<Any[]>("webhooks.deliveries", { id: made.webhook.id });
    assert.equal(delivery.status, 200);
    assert.equal(delivery.reply_id, thread.replies[0].id);
    assert.equal(received.length, 1, "the bot's reply triggers nothing");
    await rpc.call("webhooks.delete", { id: made.webhook.id });
  });

  it("sends forms, retries answers that ask for it, and records timeouts and redirects", async () => {
    const ws = general.workspace_id;
    const hook = (p: string, extra: Record<string, unknown> = {}) =>
      rpc.call<Any>("webhooks.create_outgoing", {
        workspace_id: ws,
        name: p,
        url: `${receiverUrl}/${p}`,
        trigger_words: [`!${p}`],
        ...extra,
      });
    const form = await hook("quiet", { content_type: "form", trigger_when: "starts_with" });
    const flaky = await hook("flaky");
    const slow = await hook("slow");
    const redirect = await hook("redirect");
    failuresLeft = 2;
    received.length = 0;
    for (const text of ["!quietly now", "!flaky go", "!slow go", "!redirect go"]) {
      await rpc.call("messages.post", { channel_id: general.id, text });
    }
    await collab.svc.outgoing.idle();
    const quiet = received.find((r) => r.path === "/quiet")!;
    assert.equal(quiet.type, "application/x-www-form-urlencoded");
    assert.equal(new URLSearchParams(quiet.body).get("text"), "!quietly now");
    const deliveries = async (h: Any) =>
      (await rpc.call<Any[]>("webhooks.deliveries", { id: h.webhook.id })).reverse()
        .map((d) => [d.attempt, d.status, d.error?.replace(/\d+ ms/, "N ms") ?? null]);
    assert.deepEqual(await deliveries(form), [[1, 200, null]]);
    assert.deepEqual(await deliveries(flaky), [
      [1, 503, "Answered 503: busy"],
      [2, 503, "Answered 503: busy"],
      [3, 200, null],
    ]);
    assert.deepEqual(await deliveries(slow), [
      [1, null, "No answer within N ms"],
      [2, null, "No answer within N ms"],
      [3, null, "No answer within N ms"],
    ]);
    assert.deepEqual(await deliveries(redirect), [[1, 302, "Answered 302"]]);
    const texts = (await history()).map((m: Any) => m.text);
    assert.ok(texts.includes("pong: !flaky go"), "the retried call's answer is posted");
    assert.ok(!texts.some((t: string) => t.startsWith("pong: !slow")));
  });
});
