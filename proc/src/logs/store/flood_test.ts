/**
 * Flood control, short version (5 s; `npm run stress` runs 60 s): a service printing as fast
 * as it can never pushes the store (pages in use, and the files on disk) past its cap, none of
 * the calm service's lines are lost or evicted, and the counters survive a kill -9. How long the
 * calm lines waited is printed, not asserted (a loaded machine decides it; `npm run stress`
 * reports it).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runFlood } from "./flood_scenario.ts";

test("a flooding service: store within its cap, the calm service's lines all kept", async () => {
  const cap = 24 * 1024 * 1024;
  // A low limit, so that 5 s are enough to see flood control act (the defaults are higher).
  const r = await runFlood(5, cap, { HERO_PROC_LOG_RATE: "5000", HERO_PROC_LOG_BURST: "10000" });
  console.log(JSON.stringify(r));
  assert.ok(r.calmSeen >= 20, `calm lines seen: ${r.calmSeen}`);
  assert.equal(r.calmMissing, 0);
  assert.ok(r.maxUsedBytes <= cap, `store used ${r.maxUsedBytes} bytes > cap ${cap}`);
  assert.ok(r.maxFileBytes <= cap * 1.1, `files on disk ${r.maxFileBytes} bytes > cap + 10 %`);
  assert.ok(r.rateLimited > 0, "the flood hit the rate limit");
  assert.ok(r.dropRecords > 0, 'a visible "N lines dropped" record was stored');
  assert.equal(r.calmKept, r.calmPrinted, "the calm service's whole history is still stored");
  assert.ok(r.countersKept, "drop and eviction counters survive a kill -9");
});
