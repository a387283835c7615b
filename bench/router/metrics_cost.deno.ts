/**
 * What the proxy's metrics cost per request: `RouterMetrics.proxied` (one call at the end of a
 * proxied request: plain counts and histogram buckets, handed to prom-client at scrape time)
 * beside prom-client used the plain way (`labels(...)` looked up on every request), over 20
 * services and a few status codes, in interleaved rounds (median reported).
 *
 * Usage: deno run -A bench/router/metrics_cost.deno.ts [--requests 1000000] [--rounds 5]
 */
import { parseArgs } from "node:util";
import { Counter, Histogram, Registry } from "prom-client";
import { RouterMetrics } from "../../router/src/metrics/router_metrics.ts";
import { ServiceRegistry } from "../../router/src/discovery/service_registry.ts";
import { unprobedEntry } from "../../router/src/discovery/service_entry.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "1000000" },
    rounds: { type: "string", default: "5" },
    json: { type: "boolean" },
  },
});
const n = Number(values.requests);
const rounds = Number(values.rounds);
const services = Array.from({ length: 20 }, (_, i) => `svc_${i}`);
const statuses = [200, 200, 200, 200, 304, 404];

const registry = new ServiceRegistry();
for (const s of services) registry.upsert(unprobedEntry(s, `/tmp/${s}`, []));
const hero = new RouterMetrics({ registry });

const plain = new Registry();
const counter = new Counter({
  name: "plain_requests_total",
  help: "h",
  labelNames: ["service", "code"],
  registers: [plain],
});
const histogram = new Histogram({
  name: "plain_seconds",
  help: "h",
  labelNames: ["service"],
  registers: [plain],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

const runs: Record<string, () => void> = {
  "hero (tally, clock included)": () => {
    for (let i = 0; i < n; i++) {
      hero.proxied(services[i % 20], statuses[i % 6], performance.now());
    }
  },
  "prom-client labels() each time": () => {
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      counter.labels(services[i % 20], String(statuses[i % 6])).inc();
      histogram.labels(services[i % 20]).observe((performance.now() - started) / 1000);
    }
  },
  "clock only (performance.now x2)": () => {
    let x = 0;
    for (let i = 0; i < n; i++) x += performance.now() - performance.now();
    if (x === 42) console.log(x);
  },
};
const times = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(runs)) {
    const t0 = performance.now();
    run();
    times.set(name, [...(times.get(name) ?? []), ((performance.now() - t0) * 1e6) / n]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = Object.fromEntries([...times].map(([k, v]) => [k, Math.round(median(v))]));
if (values.json) console.log(JSON.stringify({ nsPerRequest: result }, null, 2));
else {
  console.log(`metrics cost per proxied request (${n} requests x ${rounds} rounds, median):`);
  for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(34)} ${v} ns`);
}
