/**
 * The proxy tally hands prom-client exactly what prom-client would have counted itself: the
 * same requests fed to a plain Counter and Histogram and to the tally render the same text, in
 * the Prometheus and OpenMetrics formats, before and after more requests arrive.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Counter, Histogram, Registry } from "prom-client";
import { ProxyTally } from "./proxy_tally.ts";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function metrics(registers: Registry[], tally?: ProxyTally) {
  const counter = new Counter({
    name: "proxy_requests_total",
    help: "Requests",
    labelNames: ["service", "code"],
    registers,
    ...(tally
      ? {
        collect() {
          tally.toCounter(this);
        },
      }
      : {}),
  });
  const histogram = new Histogram({
    name: "proxy_seconds",
    help: "Latency",
    labelNames: ["service"],
    buckets: BUCKETS,
    registers,
    ...(tally
      ? {
        collect() {
          tally.toHistogram(this);
        },
      }
      : {}),
  });
  return { counter, histogram };
}

async function render(registry: Registry): Promise<string[]> {
  const prom = await registry.metrics();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
  const open = await registry.metrics();
  registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  return [prom, open];
}

describe("proxy tally", () => {
  it("renders what prom-client renders for the same requests", async () => {
    const plain = new Registry();
    const { counter, histogram } = metrics([plain]);
    const tallied = new Registry();
    const tally = new ProxyTally(BUCKETS);
    metrics([tallied], tally);
    const services = ["b_svc", "a_svc", "(unknown)", "c_svc"];
    const statuses = [200, 404, 200, 502, 101, 200, 304];
    // Values on the bounds, between them, above the last one and zero.
    const values = [0, 0.0005, 0.0007, 0.001, 0.003, 0.01, 0.2, 0.5, 1.7, 10, 12.5, 0.00049];
    const feed = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const service = services[(i * 7) % services.length];
        const status = statuses[(i * 3) % statuses.length];
        const seconds = values[i % values.length] + (i % 5 === 0 ? 0 : i * 1e-7);
        counter.labels(service, String(status)).inc();
        histogram.labels(service).observe(seconds);
        tally.open(service).add(status, seconds);
      }
    };
    assert.deepEqual(await render(tallied), await render(plain), "before any request");
    feed(0, 5);
    assert.deepEqual(await render(tallied), await render(plain));
    feed(5, 500);
    const [prom] = await render(tallied);
    assert.match(prom, /proxy_seconds_bucket\{le="\+Inf",service="c_svc"\}/);
    assert.deepEqual(await render(tallied), await render(plain), "after more requests");
  });
});
