/**
 * Bad input and limits: every refused call says why and changes nothing; message size, group DM
 * size and per-user write rates are enforced; the owner on the Unix socket is not rate limited.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcError } from "@hero/sdk";
import { type CollabHarness, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab bad input and limits", () => {
  let harness: CollabHarness;
  before(async () => {
    harness = await startHarness({
      limits: { maxMessageChars: 100, writeBurst: 5, writesPerSecond: 1 },
    });
  });
  after(() => harness.close());

  /** Everything a refused call could have changed. */
  const snapshot = () =>
    ["messages", "channels", "channel_members", "reactions", "events", "notifications", "mentions"]
      .map((t) => (harness.svc.store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as Any).n);

  it("refuses bad params with clear errors and changes nothing", async () => {
    const cases: [string, string, Record<string, unknown>, number, RegExp][] = [
      ["alice", "messages.post", { channel_id: harness.generalId }, -32602, /text/],
      ["alice", "messages.post", { channel_id: harness.generalId, text: 42 }, -32602, /text/],
      [
        "alice",
        "messages.post",
        { channel_id: harness.generalId, text: "x".repeat(101) },
        4013,
        /101 characters; the limit is 100/,
      ],
      ["alice", "messages.post", { channel_id: harness.generalId, text: "   " }, -32602, /empty/],
      ["alice", "messages.post", { channel_id: "c_nope", text: "hi" }, 4004, /No channel/],
      [
        "alice",
        "messages.post",
        { channel_id: harness.generalId, text: "hi", thread_id: "m_x" },
        4004,
        /No message/,
      ],
      [
        "alice",
        "messages.post",
        { channel_id: harness.generalId, text: "hi", also_in_channel: true },
        -32602,
        /thread_id/,
      ],
      [
        "alice",
        "messages.post",
        { channel_id: harness.generalId, text: "hi", files: ["f_nope"] },
        -32602,
        /f_nope/,
      ],
      [
        "alice",
        "messages.post",
        { channel_id: harness.generalId, text: "hi", extra: 1 },
        -32602,
        /extra/,
      ],
      [
        "alice",
        "channels.create",
        { workspace_id: harness.workspaceId, name: "Bad Name!" },
        -32602,
        /Invalid channel name/,
      ],
      [
        "alice",
        "channels.create",
        { workspace_id: harness.workspaceId, name: "general" },
        4009,
        /already exists/,
      ],
      [
        "alice",
        "channels.create",
        { workspace_id: harness.workspaceId, name: "x", kind: "secret" },
        -32602,
        /kind/,
      ],
      ["alice", "workspaces.create", { name: "Mine" }, 4003, /admins/],
      [
        "alice",
        "dms.open",
        { workspace_id: harness.workspaceId, user_ids: ["u-nobody"] },
        4004,
        /No user/,
      ],
      [
        "alice",
        "reads.mark",
        { channel_id: harness.generalId, message_id: "m_none" },
        4004,
        /No message/,
      ],
      ["alice", "channels.update", { id: harness.generalId, groups: ["eng"] }, 4003, /admins/],
      [
        "carol",
        "channels.update",
        { id: harness.generalId, groups: ["no-such-group"] },
        4004,
        /no-such-group/,
      ],
      ["alice", "search.messages", { query: "" }, -32602, /query/],
    ];
    for (const [who, method, params, code, why] of cases) {
      const before = snapshot();
      const err = await harness.call(who, method, params).then(() => undefined, (e) => e);
      assert.ok(err instanceof RpcError, `${method} ${JSON.stringify(params)} was accepted`);
      assert.equal(err.code, code, `${method}: ${err.message}`);
      assert.match(err.message, why);
      assert.deepEqual(snapshot(), before, `${method} ${JSON.stringify(params)} changed something`);
    }
  });

  it("limits each user's write rate, and only theirs", async () => {
    const posted: string[] = [];
    let limited: RpcError | undefined;
    for (let i = 0; i < 8 && !limited; i++) {
      await harness.call("dave", "messages.post", {
        channel_id: harness.generalId,
        text: `flood ${i}`,
      })
        .then(() => posted.push(`flood ${i}`), (e) => limited = e);
    }
    assert.ok(limited, "dave was never limited");
    assert.equal(limited.code, 4029);
    assert.match(limited.message, /try again in [\d.]+ s/);
    assert.ok(posted.length >= 4 && posted.length <= 6, `posted ${posted.length}`);
    // Others and the owner are unaffected.
    await harness.call("bob", "messages.post", {
      channel_id: harness.generalId,
      text: "still fine",
    });
    for (let i = 0; i < 20; i++) {
      await harness.call("owner", "messages.post", {
        channel_id: harness.generalId,
        text: `owner ${i}`,
      });
    }
    // Reads are not writes.
    await harness.call("dave", "messages.list", { channel_id: harness.generalId });
  });

  it("renders HTML in messages as text, never as markup", async () => {
    const m = await harness.call<Any>("owner", "messages.post", {
      channel_id: harness.generalId,
      text: `<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))`,
    });
    assert.ok(!/<script|<img|href="javascript/i.test(m.html), m.html);
    assert.match(m.html, /&lt;script&gt;/);
  });
});
