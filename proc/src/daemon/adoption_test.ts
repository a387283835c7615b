/**
 * A supervisor whose own failure is invisible to its services (`src/stress/adoption_cycles.ts`
 * with real processes): after kill -9 and after `system.upgrade`, ten services of every shape
 * keep their pids and jobs, numbered output is stored exactly once across the gaps, an exit
 * that happened while no daemon ran is recorded and acted upon, and stop/restart work on
 * adopted actions. `npm run stress` runs 50 kills and 10 upgrades.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runAdoptionCycles } from "../stress/adoption_cycles.ts";

test("kill -9 and upgrade: every service keeps running with its pid, output exactly once, gap exits recorded", async () => {
  const r = await runAdoptionCycles(3, 2);
  console.log(JSON.stringify(r));
  assert.equal(r.restarted, 0, "no action was restarted by a hand-over");
  assert.ok(r.numberedLines > 100, `numbered lines: ${r.numberedLines}`);
  assert.equal(r.lostLines, 0, `${r.lostLines} numbered lines lost`);
  assert.equal(r.duplicatedLines, 0, `${r.duplicatedLines} numbered lines stored twice`);
  assert.equal(r.gapExits, 1);
  assert.equal(r.gapExitsRecorded, 1, "the exit code of a service that ended in the gap");
  assert.ok(r.stopRestartOk, "stop and restart work on adopted actions");
  assert.ok(r.shimRssKb.max > 0 && r.shimRssKb.max < 1024, `shim RSS ${r.shimRssKb.max} KiB`);
  assert.equal(r.orphansAfterShutdown, 0);
});
