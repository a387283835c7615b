/** The simple log table: batching, prefix queries, following by id, bounded queue with a drop count. */
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Store } from "../store/store.ts";
import { tempDir } from "../test_support.ts";
import { SqliteLogSink } from "./sqlite_log_sink.ts";

test("lines are queried by source prefix (dot-bounded), job and id; a full queue drops and counts", () => {
  const { dir, cleanup } = tempDir();
  const store = new Store(path.join(dir, "state"));
  const sink = new SqliteLogSink(store.db, { maxQueued: 5, flushMs: 60_000 });
  try {
    const line = (source: string, text: string, jobId: number | null = 1) =>
      sink.write({ ts: Date.now(), source, jobId, level: "info", line: text });
    line("web.server.stdout", "a");
    line("web.server.stderr", "b");
    line("webby.main.stdout", "not web");
    line("web_x.main.stdout", "not web either");
    line("web.migrate.stdout", "c", 2);
    line("web.server.stdout", "dropped");
    assert.equal(sink.dropped, 1);
    assert.deepEqual(sink.query({ source: "web" }).map((l) => l.line), ["a", "b", "c"]);
    assert.deepEqual(sink.query({ source: "web.server" }).map((l) => l.line), ["a", "b"]);
    assert.deepEqual(sink.query({ jobId: 2 }).map((l) => l.line), ["c"]);
    const all = sink.query({});
    assert.deepEqual(sink.query({ afterId: all[2].id }).map((l) => l.line), [
      "not web either",
      "c",
    ]);
    assert.deepEqual(sink.query({ limit: 2 }).map((l) => l.line), ["not web either", "c"]);
  } finally {
    sink.close();
    store.close();
    cleanup();
  }
});
