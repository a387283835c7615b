/**
 * Slash commands mapped to Hero RPC calls: a real Hero service (built with the SDK, on its own
 * Unix socket) is mapped by an admin, checked against its OpenRPC document, and run by users
 * with typed arguments; answers go to the caller only or into the channel; groups limit who
 * may run a command; the built-ins call hero_collab as the user; failures are answered, not
 * thrown.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { defineApi, defineMethod, HeroServer, RpcError } from "@hero/sdk";
import { type CollabHarness, refused, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** A small Hero service to map commands to. */
function opsApi() {
  return defineApi({
    info: { title: "ops", version: "1.0.0" },
    methods: [
      defineMethod<{ service: string; version?: number; dry_run?: boolean }, unknown>({
        name: "deploy.start",
        summary: "Deploy a service",
        params: [
          { name: "service", required: true, schema: { type: "string", minLength: 1 } },
          { name: "version", schema: { type: "integer", minimum: 1 } },
          { name: "dry_run", schema: { type: "boolean" } },
        ],
        result: { name: "deployment", schema: { type: "object" } },
        handler: (p) => ({ deployed: p.service, version: p.version ?? null, dry: !!p.dry_run }),
      }),
      defineMethod<{ text: string }, string>({
        name: "echo.say",
        summary: "Say something back",
        params: [{ name: "text", required: true, schema: { type: "string" } }],
        result: { name: "text", schema: { type: "string" } },
        annotations: { readOnlyHint: true },
        handler: (p) => `echo: ${p.text}`,
      }),
      defineMethod<Record<string, never>, never>({
        name: "ops.fail",
        summary: "Always fails",
        params: [],
        result: { name: "nothing", schema: {} },
        handler: () => {
          throw new RpcError(4099, "nothing to roll back");
        },
      }),
      defineMethod<{ a: string; b: number }, string>({
        name: "ops.pair",
        summary: "Takes its params by position",
        paramStructure: "by-position",
        params: [
          { name: "a", required: true, schema: { type: "string" } },
          { name: "b", required: true, schema: { type: "integer" } },
        ],
        result: { name: "pair", schema: { type: "string" } },
        handler: (p) => `${p.a}-${p.b}`,
      }),
    ],
  });
}

describe("slash commands", () => {
  let root: string;
  let ops: HeroServer;
  let harness: CollabHarness;
  let wsId: string;
  const run = (who: string, text: string, channel?: string, thread?: string) =>
    harness.call<Any>(who, "commands.run", {
      channel_id: channel ?? harness.generalId,
      text,
      ...(thread ? { thread_id: thread } : {}),
    });

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-cmd-"));
    ops = new HeroServer({ name: "ops", api: opsApi(), socketRoot: root });
    await ops.start();
    harness = await startHarness({ socketRoot: root });
    wsId = harness.workspaceId;
  });
  after(async () => {
    harness.close();
    await ops.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("maps a command to a service's method and types what users type", async () => {
    const made = await harness.call<Any>("carol", "commands.create", {
      workspace_id: wsId,
      name: "deploy",
      description: "Deploy a service",
      service: "ops",
      method: "deploy.start",
      params: { service: "{1}", version: "{2}", dry_run: "{3}" },
    });
    assert.equal(made.usage, "/deploy <1> <2> <3>");
    const head = harness.svc.store.events.head();
    const out = await run("alice", "/deploy api 42 yes");
    assert.equal(out.ok, true);
    assert.equal(out.response_type, "ephemeral");
    assert.deepEqual(JSON.parse(out.text.replace(/^```json\n|\n```$/g, "")), {
      deployed: "api",
      version: 42,
      dry: true,
    });
    assert.match(out.html, /<code/);
    const events = harness.svc.store.events.after(head).filter((e) =>
      e.type === "command.response"
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].user_id, "u-alice", "only the caller sees the answer");
    const [audit] = harness.svc.store.audit.query({ action: "command.run" });
    assert.deepEqual([audit.actor, audit.target, audit.detail.method], [
      "user:u-alice",
      "deploy",
      "deploy.start",
    ]);
    const optional = await run("alice", '/deploy "web app"');
    assert.match(optional.text, /"deployed": "web app"/);
    assert.match(optional.text, /"version": null/);
    const usage = await run("alice", "/deploy");
    assert.deepEqual([usage.ok, usage.text], [false, "Usage: `/deploy <1> <2> <3>`"]);
    const typed = await run("alice", "/deploy api forty-two");
    assert.equal(typed.ok, false);
    assert.match(typed.text, /"forty-two" is not a whole number \(for version\)/);
    const invalid = await run("alice", "/deploy api 0");
    assert.equal(invalid.ok, false, "the service's own param check answers");
    assert.match(invalid.text, /failed: .*version/);
  });

  it("checks a mapping against the service's OpenRPC document when it is made", async () => {
    const base = { workspace_id: wsId, name: "x", service: "ops", method: "echo.say" };
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ method: "echo.nope", params: {} }, 4004, /has no method "echo.nope"/],
      [{ params: { txt: "{text}" } }, -32602, /has no param "txt"/],
      [{ params: {} }, -32602, /required "text"/],
      [{ params: { text: "{txet}" } }, -32602, /Unknown placeholder \{txet\}/],
      [{ service: "not_running", params: { text: "{text}" } }, 4503, /Cannot reach the service/],
      [{ name: "help", params: { text: "{text}" } }, 4009, /built in/],
      [{ name: "me", params: { text: "{text}" } }, 4009, /built in/],
      [{ name: "Bad Name", params: { text: "{text}" } }, -32602, /name/],
      [{ params: { text: "{text}" }, groups: ["no-such-group"] }, 4004, /No hero_auth group/],
    ];
    for (const [patch, code, message] of cases) {
      await refused(harness.call("carol", "commands.create", { ...base, ...patch }), code, message);
    }
    await refused(
      harness.call("alice", "commands.create", { ...base, params: { text: "{text}" } }),
      4003,
      /admins/,
    );
    assert.equal(harness.svc.store.commands.where("name = 'x'").length, 0, "nothing was made");
  });

  it("posts in_channel answers, limits commands to groups, and answers failures", async () => {
    await harness.call("carol", "commands.create", {
      workspace_id: wsId,
      name: "say",
      service: "ops",
      method: "echo.say",
      params: { text: "{username} says {text}" },
      response: "in_channel",
      groups: ["eng"],
    });
    const out = await run("alice", "/say hello  world");
    assert.equal(out.response_type, "in_channel");
    const msg = await harness.call<Any>("bob", "messages.get", { id: out.message_id });
    assert.equal(msg.kind, "bot");
    assert.equal(msg.user.username, "/say");
    assert.equal(msg.text, "**alice** ran `/say hello world`\n\necho: alice says hello  world");
    await refused(run("dave", "/say hi"), 4004, /No command \/say here/);
    const daveSees = await harness.call<Any[]>("dave", "commands.list", { workspace_id: wsId });
    assert.ok(!daveSees.some((c) => c.name === "say"));
    assert.ok(daveSees.some((c) => c.name === "deploy"));

    await harness.call("carol", "commands.create", {
      workspace_id: wsId,
      name: "rollback",
      service: "ops",
      method: "ops.fail",
    });
    const failed = await run("bob", "/rollback");
    assert.deepEqual([failed.ok, failed.text], [false, "`/rollback` failed: nothing to roll back"]);
    await harness.call("carol", "commands.create", {
      workspace_id: wsId,
      name: "pair",
      service: "ops",
      method: "ops.pair",
      params: { a: "{1}", b: "{2}" },
    });
    assert.equal((await run("bob", "/pair left 7")).text, "left-7");
    await refused(run("bob", "/nosuch"), 4004, /\/help lists them/);
    await refused(run("bob", "no slash"), -32602, /"\/" and its name/);
  });

  it("has built-ins that act as the user: /me, /shrug, /topic, /search, /leave, /help", async () => {
    const room = await harness.call<Any>("alice", "channels.create", {
      workspace_id: wsId,
      name: "builtins",
    });
    assert.deepEqual(await run("alice", "/me waves", room.id), {
      command: "me",
      ok: true,
      response_type: "ephemeral",
      text: "",
      html: "",
    });
    await run("alice", "/shrug fine", room.id);
    const page = await harness.call<Any>("alice", "messages.list", { channel_id: room.id });
    assert.deepEqual(page.messages.map((m: Any) => [m.text, m.user.username, m.kind]), [
      ["_waves_", "alice", "user"],
      ["fine ¯\\\\\\_(ツ)\\_/¯", "alice", "user"],
    ]);
    assert.match(page.messages[1].html, /fine ¯\\_\(ツ\)_\/¯/);
    await run("alice", "/topic Release planning", room.id);
    assert.equal(
      (await harness.call<Any>("bob", "channels.get", { id: room.id })).topic,
      "Release planning",
    );
    const notMember = await run("dave", "/topic mine now", room.id);
    assert.equal(notMember.ok, false);
    assert.match(notMember.text, /Join #builtins to change its topic/);
    const thread = await harness.call<Any>("alice", "messages.post", {
      channel_id: room.id,
      text: "unique-zebra-word",
    });
    await run("alice", "/me nods", room.id, thread.id);
    const replies = await harness.call<Any>("alice", "messages.thread", { id: thread.id });
    assert.deepEqual(replies.replies.map((r: Any) => r.text), ["_nods_"]);
    const found = await run("bob", "/search unique-zebra-word");
    assert.match(found.text, /\*\*#builtins\*\* alice: unique-zebra-word/);
    const help = await run("bob", "/help");
    assert.match(help.text, /`\/deploy <1> <2> <3>` — Deploy a service/);
    assert.match(help.text, /`\/topic <new topic>`/);
    await harness.call("bob", "channels.join", { id: room.id });
    await run("bob", "/leave", room.id);
    const members = await harness.call<Any[]>("alice", "channels.members", { id: room.id });
    assert.ok(!members.some((m) => m.username === "bob"));
  });

  it("answers when the mapped service has stopped", async () => {
    await ops.close();
    const out = await run("alice", "/deploy api");
    assert.equal(out.ok, false);
    assert.match(out.text, /Cannot reach the service "ops"/);
  });
});
