/** The admin's reader over the log store API: parameters sent, lines and nodes as returned. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcLogReader } from "./rpc_log_reader.ts";

test("logs.query for the newest lines, logs.follow (no wait) after an id; oldest first", async () => {
  const calls: [string, unknown][] = [];
  const reader = new RpcLogReader((method, params) => {
    calls.push([method, params]);
    const rec = (id: number) => ({
      id,
      ts: id,
      level: "warn",
      source: "a.b",
      service: "a",
      job_id: 3,
      message: `m${id}`,
    });
    return Promise.resolve({
      lines: params?.after_id ? [rec(5), rec(6)] : [rec(9), rec(8)],
      next_cursor: null,
    });
  });
  const newest = await reader.query({
    source: "a",
    level: "warn",
    jobId: 3,
    text: "disk",
    limit: 2,
  });
  assert.deepEqual(newest.map((l) => l.id), [8, 9]);
  assert.deepEqual(newest[0], {
    id: 8,
    ts: 8,
    level: "warn",
    source: "a.b",
    service: "a",
    job_id: 3,
    message: "m8",
  });
  const follow = await reader.query({ afterId: 4, limit: 99999 });
  assert.deepEqual(follow.map((l) => l.id), [5, 6]);
  assert.deepEqual(calls, [
    ["logs.query", {
      limit: 2,
      source: "a",
      level: "warn",
      job_id: 3,
      text: "disk",
      order: "newest",
    }],
    ["logs.follow", { limit: 5000, after_id: 4, timeout_ms: 0 }],
  ]);
});

test("logs.tree: the node comes back as the API returns it (path, lines)", async () => {
  const node = {
    name: "",
    path: "",
    lines: 3,
    last_ts: 0,
    dropped: 0,
    evicted: 0,
    children: [
      { name: "api", path: "api", lines: 3, last_ts: 0, dropped: 0, evicted: 0, children: [] },
    ],
  };
  const calls: unknown[] = [];
  const reader = new RpcLogReader((
    method,
    params,
  ) => (calls.push([method, params]), Promise.resolve(node)));
  assert.deepEqual(await reader.tree(), node);
  assert.deepEqual(calls, [["logs.tree", { depth: 32 }]]);
});
