/**
 * The stress scenarios' line reader pages with valid ids only: what it sends goes through JSON,
 * where an infinite `after_id` would become null and the daemon would refuse the call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RpcClient } from "@hero/sdk";
import { linesOf } from "./kill_flood.ts";

/** A client serving lines 1..9 of one source, checking `after_id` as the daemon's schema does. */
function fakeClient() {
  const sent: Record<string, unknown>[] = [];
  const client = {
    call(method: string, params: Record<string, unknown>) {
      const p = JSON.parse(JSON.stringify(params));
      sent.push(p);
      assert.equal(method, "logs.follow");
      if (!Number.isInteger(p.after_id) || p.after_id < 0) {
        return Promise.reject(new Error(`Invalid params: after_id ${p.after_id}`));
      }
      const lines = Array.from({ length: 9 }, (_, i) => i + 1)
        .filter((id) => id > p.after_id)
        .slice(0, 4)
        .map((id) => ({ id, message: `n ${id}`, source: "s" }));
      return Promise.resolve({ lines, last_id: lines.at(-1)?.id ?? p.after_id });
    },
  };
  return { client: client as unknown as RpcClient, sent };
}

test("linesOf pages through a range with valid after_ids", async () => {
  const { client, sent } = fakeClient();
  assert.deepEqual((await linesOf(client, "s", 3, 7)).map((l) => l.id), [3, 4, 5, 6, 7]);
  assert.deepEqual(sent.map((p) => p.after_id), [2, 6]);
  assert.deepEqual((await linesOf(client, "s")).map((l) => l.id), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("an empty range (no line was seen: from Infinity to 0) sends nothing", async () => {
  const { client, sent } = fakeClient();
  assert.deepEqual(await linesOf(client, "s", Infinity, 0), []);
  assert.deepEqual(await linesOf(client, "s", 5, 4), []);
  assert.deepEqual(sent, []);
});

test("a start that is not a line id is refused before anything is sent", async () => {
  const { client, sent } = fakeClient();
  await assert.rejects(
    linesOf(client, "s", Infinity),
    /Cannot read lines of "s" from Infinity: not a line id/,
  );
  await assert.rejects(linesOf(client, "s", 0), /from 0: not a line id/);
  assert.deepEqual(sent, []);
});
