/**
 * Search: FTS5 with accents folded, bm25 ranking, filters (in:, from:, has:, before:/after:),
 * snippets that are escaped HTML, and never a message the searcher may not read.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcError } from "@hero/sdk";
import { parseSearch } from "../src/search/search_query.ts";
import { type CollabHarness, startHarness } from "./harness.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab search", () => {
  let harness: CollabHarness;
  let ops: Any;
  let priv: Any;
  before(async () => {
    harness = await startHarness();
    ops = await harness.call("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "ops",
    });
    await harness.call("bob", "channels.join", { id: ops.id });
    priv = await harness.call("alice", "channels.create", {
      workspace_id: harness.workspaceId,
      name: "hush",
      kind: "private",
    });
    const post = (who: string, channel: string, text: string) =>
      harness.call(who, "messages.post", { channel_id: channel, text });
    await post("alice", harness.generalId, "Le café de la Crème brûlée est ouvert");
    await post("bob", harness.generalId, "deploy deploy deploy: the deploy pipeline is green");
    await post("alice", ops.id, "deploy window tonight, see https://example.org/runbook");
    await post("bob", ops.id, "a message about something else entirely");
    await post("alice", priv.id, "secret deploy of the crème recipe");
    await post(
      "bob",
      harness.generalId,
      "<script>alert('deploy')</script> <b onmouseover=x>deploy</b>",
    );
  });
  after(() => harness.close());

  const search = (who: string, query: string, extra: Record<string, unknown> = {}) =>
    harness.call<Any>(who, "search.messages", { query, ...extra }).then((r) => r.hits as Any[]);

  it("folds accents both ways and highlights matches in escaped snippets", async () => {
    const hits = await search("dave", "creme brulee");
    assert.equal(hits.length, 1);
    assert.match(hits[0].snippet, /<mark>Crème<\/mark> <mark>brûlée<\/mark>/);
    assert.equal((await search("dave", "cafe")).length, 1);
    assert.equal((await search("dave", "CAFÉ")).length, 1);
    const xss = (await search("dave", "alert")).map((hit) => hit.snippet);
    assert.equal(xss.length, 1);
    assert.ok(!xss[0].includes("<script>"), xss[0]);
    assert.match(xss[0], /&lt;script&gt;<mark>alert<\/mark>/);
  });

  it("ranks by bm25 and never returns what the searcher may not read", async () => {
    const hits = await search("dave", "deploy");
    assert.equal(hits[0].message.text, "deploy deploy deploy: the deploy pipeline is green");
    assert.ok(hits.every((hit) => hit.channel.id !== priv.id));
    assert.ok(hits.every((x, i) => i === 0 || x.score >= hits[i - 1].score));
    const alice = await search("alice", "secret deploy");
    assert.equal(alice.length, 1);
    assert.equal(alice[0].channel.name, "hush");
    const newest = await search("dave", "deploy", { sort: "newest" });
    assert.ok(newest.every((x, i) => i === 0 || x.message.seq < newest[i - 1].message.seq));
  });

  it("filters by channel, author, links, files, dates, phrases, prefixes and exclusions", async () => {
    assert.deepEqual((await search("dave", "deploy in:#ops")).map((x) => x.channel.name), ["ops"]);
    assert.deepEqual((await search("dave", "deploy in:ops from:@alice")).length, 1);
    assert.equal((await search("dave", "deploy from:bob")).length, 2);
    assert.equal((await search("dave", "deploy has:link")).length, 1);
    assert.equal((await search("dave", "deploy has:file")).length, 0);
    assert.equal((await search("dave", '"pipeline is green"')).length, 1);
    assert.equal((await search("dave", '"green pipeline"')).length, 0);
    assert.equal((await search("dave", "pipe*")).length, 1);
    assert.equal((await search("dave", "deploy -pipeline")).length, 2);
    assert.equal((await search("dave", "deploy before:2000-01-01")).length, 0);
    assert.equal((await search("dave", "deploy after:2000-01-01")).length, 3);
    assert.equal((await search("dave", "from:alice in:ops")).length, 1, "filters alone");
  });

  it("refuses bad filters clearly and treats FTS syntax as plain words", async () => {
    for (
      const [query, why] of [["deploy before:yesterday", /date/], ["has:cake", /has:cake/], [
        "-deploy",
        /not excluded/,
      ]]
    ) {
      const err = await search("dave", query as string).then(() => undefined, (e) => e);
      assert.ok(err instanceof RpcError && err.code === -32602, `${query}: ${err}`);
      assert.match(err.message, why as RegExp);
    }
    // FTS5 operators and quotes in user input cannot break or widen the query.
    for (
      const q of [
        'deploy" OR "x',
        "NEAR(deploy secret)",
        "deploy AND",
        "*",
        "text:secret",
        "(((",
        "'",
      ]
    ) {
      const hits = await search("dave", q).catch((e) => e);
      assert.ok(Array.isArray(hits) || hits.code === -32602, `${q}: ${hits}`);
      if (Array.isArray(hits)) assert.ok(hits.every((x) => x.channel.id !== priv.id));
    }
    assert.equal(parseSearch('a "b c" d*').match, '"a" AND "b c" AND "d"*');
  });
});
