/**
 * Administration: groups and memberships changed through a real hero_auth's API (and channel
 * access following at once), not groups that give platform roles; channel moderation (mutes,
 * what members may do, slow mode); retention enforced (threads whole, files, search index,
 * live events) with a dry run; the audit log.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { RpcApi } from "@hero/sdk";
import { type AuthFixture, startAuthFixture } from "../../auth/src/test_support/auth_fixture.ts";
import { collabApi } from "../src/api/collab_api.ts";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";
import { type Caller, OWNER_CALLER, userCaller } from "../src/identity/caller.ts";
import { type CollabHarness, refused, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("groups, managed through hero_auth", () => {
  let f: AuthFixture;
  let collab: RunningCollab;
  let api: RpcApi;
  const users: Record<string, { id: string; username: string }> = {};
  let platformAdmins: Any;
  let workspaceId: string;

  const as = <T = Any>(who: string, method: string, params: Record<string, unknown> = {}) => {
    const caller: Caller = who === "owner" ? OWNER_CALLER : userCaller(users[who]);
    return api.call(method, params, {
      method,
      signal: new AbortController().signal,
      caller,
    }) as Promise<T>;
  };
  const authMembers = async (groupId: string) =>
    (await f.call<Any[]>("groups.members", { id: groupId })).map((m) => m.username).sort();

  before(async () => {
    f = await startAuthFixture();
    for (const name of ["alice", "bob", "carol"]) {
      users[name] = await f.call("users.create", { username: name });
    }
    const admins = await f.call<Any>("groups.create", { name: "collab-admins" });
    await f.call("groups.add_member", { group_id: admins.id, user_id: users.carol.id });
    platformAdmins = await f.call<Any>("groups.create", { name: "ops", roles: ["admin"] });
    collab = await startCollabServer({
      dataDir: path.join(f.root, "collab"),
      socketRoot: f.root,
    });
    api = collabApi(collab.svc);
    [{ id: workspaceId }] = await as<Any[]>("owner", "workspaces.list");
  });
  after(async () => {
    await collab?.close();
    await f?.close();
  });

  it("creates a group in hero_auth and gives it a private channel that follows its members", async () => {
    await refused(as("alice", "groups.create", { name: "design" }), 4003, /admins/);
    const design = await as("carol", "groups.create", {
      name: "design",
      description: "Designers",
      user_ids: [users.alice.id],
    });
    assert.deepEqual(design.members, [users.alice.id]);
    assert.deepEqual(await authMembers(design.id), ["alice"], "the group lives in hero_auth");
    const room = await as("carol", "channels.create", {
      workspace_id: workspaceId,
      name: "design-room",
      kind: "private",
      groups: ["design"],
    });
    await as("alice", "messages.post", { channel_id: room.id, text: "mockups are up" });
    await refused(as("bob", "messages.list", { channel_id: room.id }), 4004);

    await as("carol", "groups.add_members", { id: design.id, user_ids: [users.bob.id] });
    assert.deepEqual(await authMembers(design.id), ["alice", "bob"]);
    const page = await as("bob", "messages.list", { channel_id: room.id });
    assert.deepEqual(page.messages.map((m: Any) => m.text), ["mockups are up"]);

    await as("carol", "groups.remove_members", { id: design.id, user_ids: [users.alice.id] });
    assert.deepEqual(await authMembers(design.id), ["bob"]);
    await refused(as("alice", "messages.list", { channel_id: room.id }), 4004);

    const listed = await as<Any[]>("bob", "groups.list");
    assert.deepEqual(listed.find((g) => g.name === "design").members, [users.bob.id]);

    await as("carol", "groups.delete", { id: design.id });
    const left = await f.call<Any[]>("groups.list");
    assert.ok(!left.some((g) => g.name === "design"));
    assert.deepEqual((await as("carol", "channels.get", { id: room.id })).groups, []);
    await refused(as("bob", "messages.list", { channel_id: room.id }), 4004);
  });

  it("manages groups that give only hero_collab's roles, leaves other roles to Hero admins, and refuses bad input", async () => {
    const chat = await f.call<Any>("groups.create", { name: "chat", roles: ["hero_collab:write"] });
    const added = await as("carol", "groups.add_members", {
      id: chat.id,
      user_ids: [users.bob.id],
    });
    assert.deepEqual(added.members, [users.bob.id]);
    await refused(
      as("carol", "groups.add_members", { id: platformAdmins.id, user_ids: [users.alice.id] }),
      4003,
      /gives roles in hero_auth \(admin\)/,
    );
    assert.deepEqual(await authMembers(platformAdmins.id), []);
    await as("owner", "groups.add_members", { id: platformAdmins.id, user_ids: [users.alice.id] });
    assert.deepEqual(await authMembers(platformAdmins.id), ["alice"]);
    await as("owner", "groups.remove_members", {
      id: platformAdmins.id,
      user_ids: [users.alice.id],
    });

    await refused(as("carol", "groups.create", { name: "bad name!" }), -32602);
    await refused(as("carol", "groups.create", { name: "ops" }), 4009);
    await refused(
      as("carol", "groups.create", { name: "ghosts", user_ids: ["no-such-user"] }),
      4004,
    );
    assert.ok(!(await f.call<Any[]>("groups.list")).some((g) => g.name === "ghosts"));
    await refused(as("carol", "groups.delete", { id: "no-such-group" }), 4004);
  });

  it("records every change in the audit log, which only admins read", async () => {
    const entries = await as<Any[]>("carol", "audit.list", { action: "group." });
    assert.deepEqual(entries.map((e) => e.action).reverse(), [
      "group.created",
      "group.members_added",
      "group.members_removed",
      "group.deleted",
      "group.members_added",
      "group.members_added",
      "group.members_removed",
    ]);
    assert.equal(entries.at(-1).actor, `user:${users.carol.id}`);
    await refused(as("alice", "audit.list"), 4003);
  });
});

describe("groups without hero_auth", () => {
  it("says so", async () => {
    const harness = await startHarness();
    try {
      await refused(harness.call("carol", "groups.create", { name: "x" }), 4503, /no hero_auth/);
    } finally {
      harness.close();
    }
  });
});

describe("channel moderation", () => {
  let harness: CollabHarness;
  let room: Any;
  before(async () => {
    harness = await startHarness();
    room = await harness.call("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "mod",
    });
    await harness.call("bob", "channels.join", { id: room.id });
  });
  after(() => harness.close());

  it("mutes a member: they still read, but cannot post, react or upload", async () => {
    const first = await harness.call<Any>("alice", "messages.post", {
      channel_id: room.id,
      text: "hi",
    });
    await refused(harness.call("dave", "channels.mute", { id: room.id, user_id: "u-bob" }), 4003);
    await refused(
      harness.call("alice", "channels.mute", { id: room.id, user_id: "u-alice" }),
      -32602,
      /moderates #mod/,
    );
    const mute = await harness.call<Any>("alice", "channels.mute", {
      id: room.id,
      user_id: "u-bob",
      minutes: 5,
    });
    assert.ok(Date.parse(mute.until) > Date.now() + 4 * 60_000);
    await refused(
      harness.call("bob", "messages.post", { channel_id: room.id, text: "x" }),
      4003,
      /You are muted in #mod until/,
    );
    await refused(
      harness.call("bob", "reactions.add", { id: first.id, emoji: "+1" }),
      4003,
      /muted/,
    );
    await refused(
      harness.call("bob", "files.upload", {
        channel_id: room.id,
        name: "a.txt",
        content_base64: btoa("a"),
      }),
      4003,
      /muted/,
    );
    assert.equal(
      (await harness.call<Any>("bob", "messages.list", { channel_id: room.id })).messages
        .length,
      1,
    );
    assert.deepEqual(
      (await harness.call<Any[]>("alice", "channels.mutes", { id: room.id })).map((m) => m.user_id),
      ["u-bob"],
    );
    assert.equal(
      await harness.call("alice", "channels.unmute", { id: room.id, user_id: "u-bob" }),
      true,
    );
    await harness.call("bob", "messages.post", { channel_id: room.id, text: "back" });
    const audit = harness.svc.store.audit.query({ target: room.id, action: "channel.member_" });
    assert.deepEqual(audit.map((a) => a.action), [
      "channel.member_unmuted",
      "channel.member_muted",
    ]);
  });

  it("applies what members may do: reactions, threads, @channel, invites, slow mode", async () => {
    const root = await harness.call<Any>("alice", "messages.post", {
      channel_id: room.id,
      text: "r",
    });
    await refused(
      harness.call("bob", "channels.update", { id: room.id, moderation: { reactions: false } }),
      4003,
      /Only moderators may change how #mod is moderated/,
    );
    for (const bad of [{ slow_mode_s: -1 }, { invite: "anyone" }, { colour: "red" }]) {
      await refused(
        harness.call("alice", "channels.update", { id: room.id, moderation: bad }),
        -32602,
      );
    }
    const updated = await harness.call<Any>("alice", "channels.update", {
      id: room.id,
      moderation: { reactions: false, threads: false, channel_mentions: false },
    });
    await harness.call<Any>("alice", "channels.update", {
      id: room.id,
      moderation: { invite: "moderators", slow_mode_s: 60 },
    });
    assert.equal(updated.moderation.reactions, false);
    const settings = (await harness.call<Any>("bob", "channels.get", { id: room.id })).moderation;
    assert.deepEqual(settings, {
      reactions: false,
      threads: false,
      channel_mentions: false,
      invite: "moderators",
      slow_mode_s: 60,
    });
    await refused(
      harness.call("bob", "reactions.add", { id: root.id, emoji: "+1" }),
      4003,
      /Reactions/,
    );
    await refused(
      harness.call("bob", "messages.post", { channel_id: room.id, thread_id: root.id, text: "t" }),
      4003,
      /Threads are off/,
    );
    await refused(
      harness.call("bob", "messages.post", { channel_id: room.id, text: "@channel look" }),
      4003,
      /Only moderators may notify everyone/,
    );
    await refused(
      harness.call("bob", "channels.invite", { id: room.id, user_ids: ["u-dave"] }),
      4003,
      /Only moderators add people/,
    );
    await harness.call("dave", "channels.join", { id: room.id });
    await harness.call("dave", "messages.post", { channel_id: room.id, text: "one" });
    const slow = await refused(
      harness.call("dave", "messages.post", { channel_id: room.id, text: "two" }),
      4029,
      /Slow mode in #mod: post again in \d+ s/,
    );
    assert.ok((slow.data as Any).retry_after_s > 50);
    // Moderators are never held back.
    await harness.call("alice", "messages.post", { channel_id: room.id, text: "@channel one" });
    await harness.call("alice", "messages.post", {
      channel_id: room.id,
      text: "two",
      thread_id: root.id,
    });
    await harness.call("alice", "reactions.add", { id: root.id, emoji: "+1" });
    await harness.call("alice", "channels.invite", { id: room.id, user_ids: ["u-carol"] });
  });
});

describe("retention", () => {
  let harness: CollabHarness;
  const DAY = 86_400_000;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  /** Moves a message (and its events) back in time. */
  function age(id: string, days: number): void {
    const t = Date.now() - days * DAY;
    const db = harness.svc.store.db;
    db.prepare("UPDATE messages SET created_at = ? WHERE id = ?").run(t, id);
    db.prepare(
      "UPDATE events SET ts = ? WHERE json_extract(data, '$.message.id') = ? OR json_extract(data, '$.notification.message_id') = ?",
    ).run(t, id, id);
  }

  it("deletes what is past its channel's or workspace's retention, threads as a whole", async () => {
    const short = await harness.call<Any>("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "short",
    });
    await harness.call("bob", "channels.join", { id: short.id });
    const post = (text: string, extra: Record<string, unknown> = {}) =>
      harness.call<Any>("alice", "messages.post", { channel_id: short.id, text, ...extra });
    const file = await harness.call<Any>("alice", "files.upload", {
      channel_id: short.id,
      name: "old.txt",
      content_base64: btoa("old bytes"),
    });
    const old = await post("ancient-walrus @bob", { files: [file.id] });
    await harness.call("bob", "reactions.add", { id: old.id, emoji: "tada" });
    await harness.call("alice", "messages.edit", {
      id: old.id,
      text: "ancient-walrus edited @bob",
    });
    const oldThread = await post("old thread");
    const oldReply = await post("old reply", { thread_id: oldThread.id });
    const liveThread = await post("old root, new reply");
    const fresh = await post("fresh reply", { thread_id: liveThread.id });
    const recent = await post("recent");
    for (const m of [old, oldThread, oldReply, liveThread]) age(m.id, 40);
    harness.svc.store.db.prepare("UPDATE messages SET last_reply_at = ? WHERE id = ?")
      .run(Date.now() - 40 * DAY, oldThread.id);
    const inGeneral = await harness.call<Any>("alice", "messages.post", {
      channel_id: harness.generalId,
      text: "general is kept longer",
    });
    age(inGeneral.id, 40);

    await refused(
      harness.call("alice", "channels.update", { id: short.id, retention_days: 30 }),
      4003,
      /admins/,
    );
    await harness.call("carol", "workspaces.update", {
      id: harness.workspaceId,
      retention_days: 365,
    });
    await harness.call("carol", "channels.update", { id: short.id, retention_days: 30 });

    const dry = await harness.call<Any>("carol", "retention.run", { dry_run: true });
    assert.deepEqual(dry.channels.map((c: Any) => [c.name, c.messages]), [["short", 3]]);
    assert.equal(harness.svc.store.messages.where("channel_id = ?", short.id).length, 6);
    await refused(harness.call("alice", "retention.run", {}), 4003);

    const blob = harness.svc.files.blobPath(file.sha256);
    assert.ok(fs.existsSync(blob));
    const head = harness.svc.store.events.head();
    const report = await harness.call<Any>("carol", "retention.run", {});
    assert.equal(report.messages, 3);
    assert.equal(report.files, 1);
    assert.ok(report.events >= 3, `events dropped: ${report.events}`);
    const left = harness.svc.store.messages.where("channel_id = ? ORDER BY seq", short.id);
    assert.deepEqual(left.map((m) => m.id), [liveThread.id, fresh.id, recent.id]);
    assert.ok(!fs.existsSync(blob), "the file's bytes are gone");
    const db = harness.svc.store.db;
    for (
      const [sql, what] of [
        ["SELECT count(*) AS n FROM reactions WHERE message_id = ?", "reactions"],
        ["SELECT count(*) AS n FROM message_edits WHERE message_id = ?", "edits"],
        ["SELECT count(*) AS n FROM notifications WHERE message_id = ?", "notifications"],
        ["SELECT count(*) AS n FROM files WHERE message_id = ?", "files"],
      ]
    ) assert.equal((db.prepare(sql).get(old.id) as { n: number }).n, 0, what);
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM mentions WHERE message_seq = ?").get(old.seq) as {
        n: number;
      }).n,
      0,
    );
    const found = await harness.call<Any>("carol", "search.messages", { query: "ancient-walrus" });
    assert.deepEqual(found.hits, [], "gone from the search index");
    const texts = JSON.stringify(db.prepare("SELECT data FROM events").all());
    assert.ok(!texts.includes("ancient-walrus"), "no live event keeps the text");
    const purged = harness.svc.store.events.after(head).find((e) => e.type === "retention.purged");
    assert.equal(purged?.channel_id, short.id);
    assert.equal(harness.svc.store.messages.find(inGeneral.id)?.text, "general is kept longer");
    const [audit] = harness.svc.store.audit.query({ action: "retention.purged" });
    assert.equal(audit.detail.messages, 3);
  });
});
