/**
 * hero_collab's API as users call it: channels public and private (and given to hero_auth
 * groups), DMs, posting, threads, edits with history, deletes, reactions, pins, mentions with
 * notifications, read markers and counts.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcError } from "@hero/sdk";
import { type CollabHarness, refused, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab messaging", () => {
  let harness: CollabHarness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it("puts newcomers in #general and lets them post, read and page history", async () => {
    const members = await harness.call<Any[]>("alice", "channels.members", {
      id: harness.generalId,
    });
    assert.deepEqual(
      members.map((m) => m.username).sort(),
      ["alice", "bob", "carol", "dave", "owner"],
    );
    for (let i = 0; i < 7; i++) {
      await harness.call("alice", "messages.post", {
        channel_id: harness.generalId,
        text: `page ${i}`,
      });
    }
    const newest = await harness.call<Any>("bob", "messages.list", {
      channel_id: harness.generalId,
      limit: 3,
    });
    assert.deepEqual(newest.messages.map((m: Any) => m.text), ["page 4", "page 5", "page 6"]);
    assert.equal(newest.has_more_before, true);
    const older = await harness.call<Any>("bob", "messages.list", {
      channel_id: harness.generalId,
      limit: 3,
      before: newest.messages[0].seq,
    });
    assert.deepEqual(older.messages.map((m: Any) => m.text), ["page 1", "page 2", "page 3"]);
    const around = await harness.call<Any>("bob", "messages.list", {
      channel_id: harness.generalId,
      limit: 4,
      around: older.messages[1].id,
    });
    assert.deepEqual(around.messages.map((m: Any) => m.text), [
      "page 0",
      "page 1",
      "page 2",
      "page 3",
    ]);
    assert.equal(newest.messages[0].user.username, "alice");
    assert.match(newest.messages[0].html, /<p>page 4<\/p>/);
  });

  it("keeps private channels hidden from non-members and opens group channels to the group", async () => {
    const secret = await harness.call<Any>("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "Secret Plans",
      kind: "private",
    });
    assert.equal(secret.name, "secret-plans");
    await harness.call("alice", "messages.post", { channel_id: secret.id, text: "only us" });
    await refused(harness.call("dave", "messages.list", { channel_id: secret.id }), 4004);
    await refused(harness.call("dave", "channels.join", { id: secret.id }), 4004);
    const daveSees = await harness.call<Any[]>("dave", "channels.list", {
      workspace_id: harness.workspaceId,
    });
    assert.ok(!daveSees.some((c) => c.id === secret.id));
    await harness.call("alice", "channels.invite", { id: secret.id, user_ids: ["u-dave"] });
    const page = await harness.call<Any>("dave", "messages.list", { channel_id: secret.id });
    assert.deepEqual(page.messages.map((m: Any) => m.text), ["only us"]);

    // Only admins give channels to groups; then every member of the group is in.
    await refused(
      harness.call("alice", "channels.create", {
        workspace_id: harness.workspaceId,
        name: "eng-only",
        kind: "private",
        groups: ["eng"],
      }),
      4003,
      /admins/,
    );
    const eng = await harness.call<Any>("carol", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "eng-only",
      kind: "private",
      groups: ["eng"],
    });
    assert.deepEqual(eng.groups, ["g-eng"]);
    await harness.call("bob", "messages.post", {
      channel_id: eng.id,
      text: "bob is in through eng",
    });
    await refused(
      harness.call("dave", "messages.post", { channel_id: eng.id, text: "no" }),
      4004,
    );
    const members = await harness.call<Any[]>("bob", "channels.members", { id: eng.id });
    assert.deepEqual(
      members.map((m) => `${m.username}:${m.via}`).sort(),
      ["alice:group", "bob:group", "carol:listed"],
    );
  });

  it("threads replies, also-to-channel, and counts replies", async () => {
    const root = await harness.call<Any>("alice", "messages.post", {
      channel_id: harness.generalId,
      text: "Lunch?",
    });
    await harness.call("bob", "messages.post", {
      channel_id: harness.generalId,
      thread_id: root.id,
      text: "yes",
    });
    const shared = await harness.call<Any>("carol", "messages.post", {
      channel_id: harness.generalId,
      thread_id: root.id,
      text: "12:30 at the usual place",
      also_in_channel: true,
    });
    const thread = await harness.call<Any>("dave", "messages.thread", { id: shared.id });
    assert.equal(thread.root.id, root.id);
    assert.equal(thread.root.reply_count, 2);
    assert.deepEqual(thread.replies.map((m: Any) => m.text), ["yes", "12:30 at the usual place"]);
    const page = await harness.call<Any>("dave", "messages.list", {
      channel_id: harness.generalId,
      limit: 2,
    });
    assert.deepEqual(page.messages.map((m: Any) => m.text), ["Lunch?", "12:30 at the usual place"]);
    await refused(
      harness.call("bob", "messages.post", {
        channel_id: harness.generalId,
        thread_id: shared.id,
        text: "x",
      }),
      -32602,
      /first message/,
    );
    // Alice (root author) and Bob (took part) are told about Carol's reply.
    const aliceNotes = await harness.call<Any[]>("alice", "notifications.list", {
      unread_only: true,
    });
    assert.ok(aliceNotes.some((n) => n.kind === "reply" && n.message_id === shared.id));
  });

  it("edits with history and version checks; deletes by author or moderator only", async () => {
    const m = await harness.call<Any>("bob", "messages.post", {
      channel_id: harness.generalId,
      text: "teh typo",
    });
    await refused(harness.call("alice", "messages.edit", { id: m.id, text: "hijack" }), 4003);
    const edited = await harness.call<Any>("bob", "messages.edit", {
      id: m.id,
      text: "the typo",
      expect_version: 1,
    });
    assert.equal(edited.version, 2);
    assert.ok(edited.edited_at);
    await refused(
      harness.call("bob", "messages.edit", { id: m.id, text: "stale", expect_version: 1 }),
      4009,
    );
    assert.equal((await harness.call<Any>("bob", "messages.get", { id: m.id })).text, "the typo");
    assert.deepEqual(
      (await harness.call<Any[]>("dave", "messages.history", { id: m.id })).map((v) => v.text),
      ["teh typo"],
    );
    await refused(harness.call("dave", "messages.delete", { id: m.id }), 4003);
    // carol is an admin (collab-admins group): a moderator everywhere.
    assert.equal(await harness.call("carol", "messages.delete", { id: m.id }), true);
    await refused(
      harness.call("bob", "messages.get", { id: m.id }).then((x: Any) => {
        if (x.deleted_at) throw new RpcError(4004, "tombstone");
      }),
      4004,
    );
    const audit = harness.svc.store.audit.query({ action: "message.deleted" });
    assert.equal(audit[0].target, m.id);
    assert.equal(audit[0].actor, "user:u-carol");
  });

  it("reacts, pins and refuses unknown emoji", async () => {
    const m = await harness.call<Any>("alice", "messages.post", {
      channel_id: harness.generalId,
      text: "ship it",
    });
    await harness.call("bob", "reactions.add", { id: m.id, emoji: "thumbsup" });
    await harness.call("carol", "reactions.add", { id: m.id, emoji: "👍" });
    const r = await harness.call<Any>("carol", "reactions.add", { id: m.id, emoji: ":tada:" });
    assert.deepEqual(r.reactions.map((x: Any) => [x.emoji, x.count]), [["+1", 2], ["tada", 1]]);
    await harness.call("carol", "reactions.remove", { id: m.id, emoji: "+1" });
    await refused(
      harness.call("bob", "reactions.add", { id: m.id, emoji: "not-an-emoji" }),
      -32602,
    );
    await harness.call("bob", "pins.add", { id: m.id });
    const pins = await harness.call<Any[]>("dave", "pins.list", { channel_id: harness.generalId });
    assert.deepEqual(pins.map((p) => p.id), [m.id]);
    assert.equal(pins[0].pinned_by, "u-bob");
  });

  it("notifies mentions of users, groups and @channel, and counts unread and mentions", async () => {
    const room = await harness.call<Any>("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "mentions",
    });
    await harness.call("bob", "channels.join", { id: room.id });
    await harness.call("dave", "channels.join", { id: room.id });
    await harness.call("alice", "messages.post", { channel_id: room.id, text: "hey @bob" });
    await harness.call("alice", "messages.post", {
      channel_id: room.id,
      text: "@eng please review",
    });
    await harness.call("alice", "messages.post", {
      channel_id: room.id,
      text: "`@dave` in code is not a mention",
    });
    await harness.call("alice", "messages.post", { channel_id: room.id, text: "@channel standup" });
    const count = (who: string) =>
      harness.call<Any[]>(who, "reads.counts", { workspace_id: harness.workspaceId })
        .then((cs) => cs.find((c) => c.channel_id === room.id));
    assert.deepEqual(
      { ...(await count("bob")), last_read_seq: 0 },
      { channel_id: room.id, last_read_seq: 0, unread: 4, mentions: 3 },
    );
    assert.equal((await count("dave")).mentions, 1);
    assert.equal((await count("alice")).unread, 0, "own messages are read");
    const page = await harness.call<Any>("bob", "messages.list", { channel_id: room.id });
    await harness.call("bob", "reads.mark", {
      channel_id: room.id,
      message_id: page.messages[1].id,
    });
    assert.equal((await count("bob")).unread, 2);
    assert.equal((await count("bob")).mentions, 1);
    await harness.call("bob", "reads.mark", { channel_id: room.id });
    assert.deepEqual([(await count("bob")).unread, (await count("bob")).mentions], [0, 0]);
    const notes = await harness.call<Any[]>("bob", "notifications.list", { unread_only: true });
    assert.ok(!notes.some((n) => n.channel_id === room.id), "marking read clears notifications");
    const daveNotes = await harness.call<Any[]>("dave", "notifications.list", {});
    assert.equal(daveNotes.filter((n) => n.channel_id === room.id).length, 1);
  });

  it("opens one DM per set of people and notifies the other side", async () => {
    const dm = await harness.call<Any>("alice", "dms.open", {
      workspace_id: harness.workspaceId,
      user_ids: ["u-bob"],
    });
    const again = await harness.call<Any>("bob", "dms.open", {
      workspace_id: harness.workspaceId,
      user_ids: ["u-alice"],
    });
    assert.equal(dm.id, again.id);
    assert.equal(dm.kind, "dm");
    await harness.call("alice", "messages.post", { channel_id: dm.id, text: "psst" });
    await refused(harness.call("carol", "messages.list", { channel_id: dm.id }), 4004);
    const notes = await harness.call<Any[]>("bob", "notifications.list", { unread_only: true });
    assert.ok(notes.some((n) => n.kind === "dm" && n.channel_id === dm.id));
    const group = await harness.call<Any>("alice", "dms.open", {
      workspace_id: harness.workspaceId,
      user_ids: ["u-bob", "u-dave"],
    });
    assert.equal(group.kind, "group_dm");
  });

  it("archives and moderates: announcement channels, archived channels refuse posts", async () => {
    const news = await harness.call<Any>("carol", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "announcements",
      post_policy: "moderators",
    });
    await harness.call("bob", "channels.join", { id: news.id });
    await refused(
      harness.call("bob", "messages.post", { channel_id: news.id, text: "me too" }),
      4003,
      /only moderators/,
    );
    await harness.call("carol", "channels.set_role", {
      id: news.id,
      user_id: "u-bob",
      role: "moderator",
    });
    await harness.call("bob", "messages.post", { channel_id: news.id, text: "now I may" });
    await harness.call("dave", "channels.join", { id: news.id });
    await refused(harness.call("dave", "channels.update", { id: news.id, archived: true }), 4003);
    await harness.call("bob", "channels.update", { id: news.id, archived: true });
    await refused(
      harness.call("bob", "messages.post", { channel_id: news.id, text: "late" }),
      4003,
      /archived/,
    );
    assert.equal(
      await harness.call("carol", "channels.kick", { id: news.id, user_id: "u-dave" }),
      true,
    );
    const members = await harness.call<Any[]>("carol", "channels.members", { id: news.id });
    assert.ok(!members.some((m) => m.user_id === "u-dave"));
  });
});
