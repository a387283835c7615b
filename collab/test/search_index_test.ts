/**
 * The search index: `in:`/`from:` as index tokens stay exact (and never widen what a searcher
 * may read), edits, deletes and author changes keep it current, long messages get cut snippets,
 * and a database made with the older text-only index is migrated on open and searches the same.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import { type CollabHarness, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** The index as hero_collab made it before the `meta` column (the migration's input). */
const OLD_INDEX = `
DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts; DROP VIEW messages_fts_source;
CREATE VIRTUAL TABLE messages_fts USING fts5(
  text, content='messages', content_rowid='seq', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.deleted_at IS NULL BEGIN
  INSERT INTO messages_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.deleted_at IS NULL BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, deleted_at ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, text)
    SELECT 'delete', old.seq, old.text WHERE old.deleted_at IS NULL;
  INSERT INTO messages_fts(rowid, text) SELECT new.seq, new.text WHERE new.deleted_at IS NULL;
END;
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
`;

async function seed(harness: CollabHarness): Promise<{ ops: Any; hush: Any }> {
  const ops = await harness.call<Any>("alice", "channels.create", {
    workspace_id: harness.workspaceId,
    name: "ops",
  });
  await harness.call("bob", "channels.join", { id: ops.id });
  const hush = await harness.call<Any>("alice", "channels.create", {
    workspace_id: harness.workspaceId,
    name: "hush",
    kind: "private",
  });
  const post = (who: string, channel: string, text: string) =>
    harness.call<Any>(who, "messages.post", { channel_id: channel, text });
  await post("alice", harness.generalId, "kettle boils in general");
  await post("bob", ops.id, "kettle boils in ops, said bob");
  await post("alice", ops.id, "kettle boils in ops, said alice");
  await post("alice", hush.id, "kettle boils in hush");
  const edited = await post("bob", harness.generalId, "teapot at first");
  await harness.call("bob", "messages.edit", { id: edited.id, text: "kettle after the edit" });
  const gone = await post("bob", harness.generalId, "kettle that gets deleted");
  await harness.call("bob", "messages.delete", { id: gone.id });
  return { ops, hush };
}

/** What a set of searches finds, as comparable text. */
async function findings(harness: CollabHarness, who: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (
    const q of ["kettle", "kettle in:#ops", "kettle from:@bob", "kettle in:#hush", "teapot", "edit"]
  ) {
    const r = await harness.call<Any>(who, "search.messages", { query: q });
    out[q] = r.hits.map((x: Any) => x.message.text).sort();
  }
  return out;
}

describe("hero_collab search index", () => {
  let harness: CollabHarness;
  before(async () => {
    harness = await startHarness();
    await seed(harness);
  });
  after(() => harness.close());

  it("filters in: and from: through the index, within what the searcher may read", async () => {
    const dave = await findings(harness, "dave");
    assert.deepEqual(dave["kettle in:#ops"], [
      "kettle boils in ops, said alice",
      "kettle boils in ops, said bob",
    ]);
    assert.deepEqual(dave["kettle from:@bob"], [
      "kettle after the edit",
      "kettle boils in ops, said bob",
    ]);
    assert.deepEqual(dave["kettle in:#hush"], [], "a private channel dave is not in");
    assert.equal(dave.kettle.length, 4, dave.kettle.join(" | "));
    assert.deepEqual(dave.teapot, [], "the edit replaced the old text in the index");
    const alice = await findings(harness, "alice");
    assert.deepEqual(alice["kettle in:#hush"], ["kettle boils in hush"]);
    assert.equal(alice.kettle.length, 5);
  });

  it("keeps private channels out when the searcher reads too many channels to name", async () => {
    for (let i = 0; i < 20; i++) {
      await harness.call("owner", "channels.create", {
        workspace_id: harness.workspaceId,
        name: `room-${i}`,
      });
    }
    const dave = await findings(harness, "dave");
    assert.equal(dave.kettle.length, 4, dave.kettle.join(" | "));
    assert.ok(!dave.kettle.includes("kettle boils in hush"));
    assert.deepEqual(dave["kettle in:#hush"], []);
    assert.equal((await findings(harness, "alice")).kettle.length, 5);
  });

  it("keeps the index current when a message's author changes", async () => {
    const db = harness.svc.store.db;
    db.prepare("UPDATE messages SET user_id = 'u-dave' WHERE text = 'kettle boils in general'")
      .run();
    const byDave = await harness.call<Any>("alice", "search.messages", {
      query: "kettle from:@dave",
    });
    assert.deepEqual(byDave.hits.map((x: Any) => x.message.text), ["kettle boils in general"]);
    db.prepare("UPDATE messages SET user_id = 'u-alice' WHERE text = 'kettle boils in general'")
      .run();
  });

  it("cuts long messages to a window around the matches", async () => {
    const filler = Array.from({ length: 60 }, (_, i) => `w${i}`);
    filler.splice(40, 0, "needle");
    await harness.call("carol", "messages.post", {
      channel_id: harness.generalId,
      text: filler.join(" "),
    });
    const [hit] = (await harness.call<Any>("dave", "search.messages", { query: "needle" })).hits;
    assert.match(hit.snippet, /^….*<mark>needle<\/mark>.*…$/);
    assert.ok(hit.snippet.split(" ").length <= 21, hit.snippet);
    assert.equal(typeof hit.score, "number");
  });

  it("migrates a database with the older text-only index on open", async () => {
    const old = await startHarness();
    const dbPath = path.join(old.dir, "collab.db");
    await seed(old);
    const expected = {
      dave: await findings(old, "dave"),
      alice: await findings(old, "alice"),
    };
    old.svc.close();
    const raw = new DatabaseSync(dbPath);
    raw.exec(OLD_INDEX);
    raw.close();
    const migrated = await startHarness({ dbPath, filesDir: path.join(old.dir, "files") });
    try {
      const sql = (migrated.svc.store.db.prepare(
        "SELECT sql FROM sqlite_master WHERE name = 'messages_fts'",
      ).get() as { sql: string }).sql;
      assert.match(sql, /meta/);
      assert.deepEqual(await findings(migrated, "dave"), expected.dave);
      assert.deepEqual(await findings(migrated, "alice"), expected.alice);
      await migrated.call("bob", "messages.post", {
        channel_id: migrated.generalId,
        text: "kettle written after the migration",
      });
      const r = await migrated.call<Any>("dave", "search.messages", { query: "kettle from:bob" });
      assert.equal(r.hits.length, 3);
    } finally {
      migrated.close();
      fs.rmSync(old.dir, { recursive: true, force: true });
    }
  });
});
