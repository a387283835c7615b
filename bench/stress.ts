/**
 * `npm run stress`: the 60-second flood. A service prints as fast as it can (`yes`) beside a
 * calm service; the store must stay within its cap, no calm line may be lost or take more than
 * a second to become visible. Default flood-control settings; cap 64 MB (STRESS_CAP_MB).
 */
import process from "node:process";
import { runFlood } from "../proc/src/logs/flood_scenario.ts";

const seconds = Number(process.env.STRESS_SECONDS ?? 60);
const cap = Number(process.env.STRESS_CAP_MB ?? 64) * 1024 * 1024;
const r = await runFlood(seconds, cap);
console.log(JSON.stringify(r, null, 2));
const problems = [
  r.calmMissing ? `${r.calmMissing} calm lines lost` : "",
  r.maxDelayMs > 1000 ? `a calm line took ${r.maxDelayMs} ms` : "",
  r.maxUsedBytes > cap ? `store used ${r.maxUsedBytes} bytes, cap ${cap}` : "",
].filter(Boolean);
if (problems.length) {
  console.error(`stress FAILED: ${problems.join("; ")}`);
  process.exit(1);
}
console.log(
  `stress passed: ${seconds} s of flood, ${r.written.toLocaleString("en")} lines written, ` +
    `${r.rateLimited.toLocaleString("en")} dropped by the rate limit, store <= ${
      Math.round(r.maxUsedBytes / 1048576)
    } MB ` +
    `(cap ${cap / 1048576} MB), calm lines within ${r.maxDelayMs} ms, none lost`,
);
