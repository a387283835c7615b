/** Fair taking: quiet keys are served in the next take whatever the backlog of a busy key. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FairQueue } from "./fair_queue.ts";

test("every key gets its share; unused shares go to busy keys; order kept per key", () => {
  const q = new FairQueue<string>();
  for (let i = 0; i < 1000; i++) q.push("flood", `f${i}`);
  q.push("calm", "c0");
  q.push("calm", "c1");
  const first = q.take(10);
  assert.equal(first.length, 10);
  assert.deepEqual(first.filter((x) => x.startsWith("c")), ["c0", "c1"]);
  assert.deepEqual(first.filter((x) => x.startsWith("f")), [
    "f0",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
  ]);
  assert.equal(q.size, 992);
  const rest = q.take(10_000);
  assert.equal(rest.length, 992);
  assert.equal(rest[0], "f8");
  assert.equal(q.size, 0);
  assert.deepEqual(q.take(5), []);
});
