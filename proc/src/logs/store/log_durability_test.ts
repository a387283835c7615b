/**
 * What an acknowledged line means, proven with a real daemon killed with SIGKILL in the middle
 * of a flood (`src/stress/kill_flood.ts`): every line `logs.insert` acknowledged, and every
 * line a query returned (inserted or captured), is still there, with the same id, after the
 * restart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runKillFlood } from "../../stress/kill_flood.ts";

test("kill -9 mid-flood: no acknowledged line and no line a query returned is lost", async () => {
  const r = await runKillFlood(1500);
  assert.ok(r.acknowledged > 0, "lines were acknowledged before the kill");
  assert.ok(r.returned > 0, "queries returned lines before the kill");
  assert.equal(
    r.lostAcknowledged,
    0,
    `${r.lostAcknowledged} of ${r.acknowledged} acknowledged lines lost`,
  );
  assert.equal(r.lostReturned, 0, `${r.lostReturned} of ${r.returned} returned lines gone`);
});
