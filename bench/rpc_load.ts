/**
 * Load generator for the RPC round-trip bench: the SDK client sends `echo` calls to one socket
 * with fixed concurrency for a fixed duration and prints {rps, p50_ms, p99_ms} as JSON.
 * Usage: rpc_load.ts <socket> <seconds> <concurrency>
 */
import process from "node:process";
import { RpcClient } from "../sdk/mod.ts";

const [socket, seconds, concurrency] = process.argv.slice(process.argv.length - 3);
const client = new RpcClient(socket);
const payload = { value: { user: "alice", items: [1, 2, 3], note: "x".repeat(64) } };

async function worker(until: number, latencies: number[]): Promise<void> {
  while (performance.now() < until) {
    const t0 = performance.now();
    await client.call("echo", payload);
    latencies.push(performance.now() - t0);
  }
}

await Promise.all(Array.from({ length: 16 }, () => worker(performance.now() + 500, []))); // warm-up
const latencies: number[] = [];
const start = performance.now();
const until = start + Number(seconds) * 1000;
await Promise.all(Array.from({ length: Number(concurrency) }, () => worker(until, latencies)));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
console.log(
  JSON.stringify({ rps: latencies.length / elapsed, p50_ms: pct(0.5), p99_ms: pct(0.99) }),
);
client.close();
