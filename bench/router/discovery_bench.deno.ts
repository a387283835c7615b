/**
 * Discovery benchmark: how long hero_router takes to find and probe 1,000 sockets (its first
 * full scan, and a rescan on demand), and how long a new socket takes to show up as a
 * `service.added` SSE event (and as healthy), and a removed one as `service.removed`.
 *
 * Usage: deno run -A bench/router/discovery_bench.deno.ts [--sockets 1000] [--samples 20] [--json]
 */
import { parseArgs } from "node:util";
import { RpcClient } from "@hero/sdk";
import { startProcess } from "./bench_process.deno.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sockets: { type: "string", default: "1000" },
    samples: { type: "string", default: "20" },
    json: { type: "boolean" },
  },
});
const count = Number(values.sockets);
const samples = Number(values.samples);
const repo = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
const root = await Deno.makeTempDir({ prefix: "hero_router_discovery_" });
const procs: { stop(): Promise<void> }[] = [];
const report: Record<string, unknown> = { sockets: count };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 10) / 10;

try {
  const backend = startProcess(deno, [
    "run",
    "-A",
    `${repo}bench/router/bench_backend.deno.ts`,
    root,
    String(count),
    "svc",
    "rpc",
  ]);
  procs.push(backend);
  await backend.waitFor(/ready/, 120_000);

  const t0 = performance.now();
  const router = startProcess(deno, [
    "run",
    "-A",
    `${repo}router/main.ts`,
    "serve",
    "--socket-dir",
    root,
    "--port",
    "0",
    "--scan-interval",
    "0",
  ]);
  procs.push(router);
  const m = await router.waitFor(/first scan: (\d+) services, (\d+) sockets in (\d+) ms/, 120_000);
  report.firstScanMs = Number(m[3]);
  report.firstScanServices = Number(m[1]);
  report.startToReadyMs = Math.round(performance.now() - t0);
  const rpc = new RpcClient(`${root}/hero_router/rpc.sock`);
  const health = await rpc.call<{ byHealth: Record<string, number> }>("router.health");
  report.healthyAfterFirstScan = health.byHealth.healthy;
  const t1 = performance.now();
  const rescan = await rpc.call<{ durationMs: number }>("router.scan");
  report.rescanMs = rescan.durationMs;
  report.rescanRoundTripMs = Math.round(performance.now() - t1);
  rpc.close();

  // Time from socket creation to SSE events.
  const client = Deno.createHttpClient({
    proxy: { transport: "unix", path: `${root}/hero_router/admin.sock` },
  });
  const res = await fetch("http://localhost/api/events", { client });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const waitEvent = async (pattern: RegExp) => {
    const end = Date.now() + 10_000;
    while (!pattern.test(text)) {
      if (Date.now() > end) throw new Error(`no ${pattern} within 10 s`);
      const { value, done } = await reader.read();
      if (done) throw new Error("event stream ended");
      text += value;
    }
    const at = performance.now();
    text = "";
    return at;
  };
  await waitEvent(/event: snapshot/);
  const added: number[] = [];
  const healthy: number[] = [];
  const removed: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `fresh_${i}`;
    const start = performance.now();
    await Deno.mkdir(`${root}/${name}`, { mode: 0o700 });
    const server = Deno.serve(
      { path: `${root}/${name}/rpc.sock`, onListen() {} },
      (req) => {
        const p = new URL(req.url).pathname;
        if (p === "/health") return Response.json({ status: "ok" });
        if (p === "/openrpc.json") {
          return Response.json({
            openrpc: "1.3.2",
            info: { title: name, version: "1" },
            methods: [],
          });
        }
        return Response.json({ protocol: "openrpc", name });
      },
    );
    const addedAt = await waitEvent(
      new RegExp(`event: service\\.added\\ndata: \\{"service":\\{"name":"${name}"`),
    );
    added.push(addedAt - start);
    const healthyAt = text.includes('"health":"healthy"') ? addedAt : await waitEvent(
      new RegExp(
        `event: service\\.changed\\ndata: \\{"service":\\{"name":"${name}"[^\\n]*"health":"healthy"`,
      ),
    );
    healthy.push(healthyAt - start);
    const stopAt = performance.now();
    await server.shutdown();
    const removedAt = await waitEvent(
      new RegExp(`event: service\\.removed\\ndata: \\{"service":\\{"name":"${name}"`),
    );
    removed.push(removedAt - stopAt);
    await Deno.remove(`${root}/${name}`, { recursive: true });
  }
  await reader.cancel();
  client.close();
  report.sseAddedMs = { median: round(median(added)), max: round(Math.max(...added)) };
  report.sseHealthyMs = { median: round(median(healthy)), max: round(Math.max(...healthy)) };
  report.sseRemovedMs = { median: round(median(removed)), max: round(Math.max(...removed)) };
} finally {
  for (const p of procs.reverse()) await p.stop();
  await Deno.remove(root, { recursive: true }).catch(() => {});
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`discovery of ${count} sockets (one service each, rpc.sock)`);
  console.log(`  first scan (walk + probe all): ${report.firstScanMs} ms`);
  console.log(`  healthy after first scan:      ${report.healthyAfterFirstScan}`);
  console.log(`  rescan on demand:              ${report.rescanMs} ms`);
  console.log(`  router start to ready:         ${report.startToReadyMs} ms`);
  const f = (k: string) => {
    const v = report[k] as { median: number; max: number };
    return `median ${v.median} ms, max ${v.max} ms`;
  };
  console.log(`socket created -> SSE service.added:   ${f("sseAddedMs")} (${samples} samples)`);
  console.log(`socket created -> SSE healthy:         ${f("sseHealthyMs")}`);
  console.log(`socket closed  -> SSE service.removed: ${f("sseRemovedMs")}`);
}
