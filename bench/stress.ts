/**
 * `npm run stress`: the figures of containment and log guarantees, with real processes.
 *
 * 1. Crash cycles, stop-and-restart mode (no hero_shim): STRESS_CYCLES (50) kill -9 / restart
 *    cycles with ten services of every shape — duplicates, missing, escapees, orphans after
 *    shutdown (by `/proc` scan), and the restart time against the services' own stop timeouts.
 * 1b. Adoption (hero_shim): STRESS_ADOPT_KILLS (50) kill -9 and STRESS_UPGRADES (10) upgrades
 *    with ten services of every shape — actions restarted, numbered lines lost or duplicated,
 *    exits in the gap recorded, stop/restart of adopted actions, shim memory per service.
 * 2. Kill -9 mid-flood, STRESS_KILLS (5) times: acknowledged lines and lines queries had
 *    returned that are gone after the restart.
 * 3. Flood beside a calm service for STRESS_SECONDS (60) under a STRESS_CAP_MB (30) cap: calm
 *    history kept, calm lines within 1 s, the files on disk (logs.db + WAL + WAL index) against
 *    the cap + 10 %, counters kept
 *    across a kill -9.
 *
 * Exits 1 when a figure is wrong.
 */
import process from "node:process";
import { runFlood } from "../proc/src/logs/store/flood_scenario.ts";
import { runCrashCycles } from "../proc/src/stress/crash_cycles.ts";
import { runKillFlood } from "../proc/src/stress/kill_flood.ts";
import { runAdoptionCycles } from "../proc/src/stress/adoption_cycles.ts";

const cycles = Number(process.env.STRESS_CYCLES ?? 50);
const kills = Number(process.env.STRESS_KILLS ?? 5);
const seconds = Number(process.env.STRESS_SECONDS ?? 60);
const cap = Number(process.env.STRESS_CAP_MB ?? 30) * 1024 * 1024;
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const problems: string[] = [];

console.log(`== crash cycles: ${cycles} x kill -9 with 10 services of every shape`);
const c = await runCrashCycles(cycles);
console.log(JSON.stringify(c));
if (c.duplicates) problems.push(`${c.duplicates} duplicate processes`);
if (c.missing) problems.push(`${c.missing} missing processes`);
if (c.escapees) problems.push(`${c.escapees} escapees survived recovery`);
if (c.orphansAfterShutdown) problems.push(`${c.orphansAfterShutdown} orphans after shutdown`);

const adoptKills = Number(process.env.STRESS_ADOPT_KILLS ?? 50);
const upgrades = Number(process.env.STRESS_UPGRADES ?? 10);
console.log(`== adoption: ${adoptKills} x kill -9 and ${upgrades} upgrades, 10 services`);
const a = await runAdoptionCycles(adoptKills, upgrades);
console.log(JSON.stringify(a));
if (a.restarted) problems.push(`${a.restarted} actions restarted by a hand-over`);
if (a.lostLines || a.duplicatedLines) {
  problems.push(`numbered lines: ${a.lostLines} lost, ${a.duplicatedLines} duplicated`);
}
if (a.gapExitsRecorded !== a.gapExits) {
  problems.push(`exits in the gap: ${a.gapExitsRecorded} of ${a.gapExits} recorded`);
}
if (!a.stopRestartOk) problems.push("stop/restart of adopted actions failed");
if (a.orphansAfterShutdown) problems.push(`${a.orphansAfterShutdown} orphans after shutdown`);

console.log(`== kill -9 mid-flood, ${kills} times`);
let acknowledged = 0, lostAck = 0, returned = 0, lostReturned = 0;
for (let i = 0; i < kills; i++) {
  const k = await runKillFlood(2000);
  console.log(JSON.stringify(k));
  acknowledged += k.acknowledged;
  lostAck += k.lostAcknowledged;
  returned += k.returned;
  lostReturned += k.lostReturned;
}
if (lostAck) problems.push(`${lostAck} acknowledged lines lost`);
if (lostReturned) problems.push(`${lostReturned} lines returned by queries lost`);

console.log(`== flood beside a calm service: ${seconds} s, cap ${mb(cap)}`);
const f = await runFlood(seconds, cap);
console.log(JSON.stringify(f));
if (f.calmKept !== f.calmPrinted) {
  problems.push(`calm history: ${f.calmPrinted - f.calmKept} of ${f.calmPrinted} lines gone`);
}
if (f.calmMissing) problems.push(`${f.calmMissing} calm lines never seen`);
if (f.maxDelayMs > 1000) problems.push(`a calm line took ${f.maxDelayMs} ms`);
if (f.maxFileBytes > cap * 1.1) {
  problems.push(`logs.db + WAL + WAL index reached ${mb(f.maxFileBytes)}, cap ${mb(cap)}`);
}
if (!f.countersKept) problems.push("counters changed across a kill -9");

console.log(`
| figure | value |
|---|---|
| containment | ${c.containment} |
| adoption: actions restarted over ${adoptKills} kill -9 + ${upgrades} upgrades | ${a.restarted} |
| adoption: numbered lines lost / duplicated (of ${a.numberedLines}) | ${a.lostLines} / ${a.duplicatedLines} |
| adoption: exits in the gap recorded | ${a.gapExitsRecorded} of ${a.gapExits} |
| adoption: hand-over (median / max) | ${a.handoverMedianMs} / ${a.handoverMaxMs} ms |
| adoption: stop and restart of adopted actions | ${a.stopRestartOk ? "ok" : "FAILED"} |
| hero_shim RSS per service (mean / max) | ${a.shimRssKb.mean} / ${a.shimRssKb.max} KiB |
| escapees after ${cycles} kill -9 cycles (stop-and-restart) | ${c.escapees} |
| duplicates / missing / orphans after shutdown | ${c.duplicates} / ${c.missing} / ${c.orphansAfterShutdown} |
| restart after a crash (median / max), slowest stop timeout | ${c.restartMedianMs} / ${c.restartMaxMs} ms, ${c.maxStopTimeoutMs} ms (recovery stop max ${c.recoveryStopMaxMs} ms) |
| lost acknowledged lines | ${lostAck} of ${acknowledged} |
| lost lines a query had returned | ${lostReturned} of ${returned} |
| calm history kept under the flood | ${f.calmKept} of ${f.calmPrinted} |
| calm line visible within | ${f.maxDelayMs} ms |
| logs.db max / on disk (logs.db + WAL + WAL index) max / cap + 10 % | ${mb(f.maxDbBytes)} / ${
  mb(f.maxFileBytes)
} / ${mb(cap * 1.1)} |
| evicted (flood) / rate-limited | ${f.evicted} / ${f.rateLimited} |
| counters kept across kill -9 | ${f.countersKept ? "yes" : "no"} |`);
if (problems.length) {
  console.error(`stress FAILED: ${problems.join("; ")}`);
  process.exit(1);
}
console.log("stress passed");
