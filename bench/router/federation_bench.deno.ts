/**
 * Federation benchmark: a router federating 3 peer routers that have 100 services each (300 in
 * all, each with rpc.sock and admin.sock, from bench_backend.deno.ts), on loopback.
 *
 * - Initial sync: the hub's start until all 300 remote services are in its registry, healthy.
 * - A new remote service: a socket created under a peer's root until the peer's own SSE
 *   (`/api/events`) shows it healthy (local discovery) and until the hub's shows
 *   `<peer>/<name>` healthy (one more hop through the federation feed); and its removal.
 * - Proxy overhead of the extra hop: wrk on the same 1 KB JSON through the peer router directly,
 *   through the hub (`/<peer>/<service>/admin/…`), and through nginx in front of the peer (the
 *   same extra hop by a proxy built for it), at 64 connections and at 1 connection (latency),
 *   in interleaved rounds (median reported).
 *
 * Usage: deno run -A bench/router/federation_bench.deno.ts [--per-peer 100] [--samples 20]
 *        [--duration 5] [--rounds 3] [--json]
 */
import { parseArgs } from "node:util";
import { freePort, startProcess } from "./bench_process.deno.ts";
import { waitHttp, wrk, type WrkResult } from "./bench_http.deno.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    "per-peer": { type: "string", default: "100" },
    samples: { type: "string", default: "20" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean" },
  },
});
const perPeer = Number(values["per-peer"]);
const samples = Number(values.samples);
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const repo = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
const root = await Deno.makeTempDir({ prefix: "hero_federation_bench_" });
const procs: { stop(): Promise<void> }[] = [];
const report: Record<string, unknown> = { peers: 3, servicesPerPeer: perPeer };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const round = (x: number) => Math.round(x * 10) / 10;

function router(socketDir: string, port: number, extra: string[] = []) {
  return startProcess(deno, [
    "run",
    "-A",
    "--unstable-no-legacy-abort",
    `${repo}router/main.ts`,
    "serve",
    "--socket-dir",
    socketDir,
    "--bind",
    `127.0.0.1:${port}`,
    "--scan-interval",
    "0",
    "--log-level",
    "warn",
    ...extra,
  ]);
}

/** Follows a router's `/api/events` and resolves when a service shows up healthy. */
function follow(base: string, token: string) {
  const seen = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const abort = new AbortController();
  const ready = (async () => {
    const res = await fetch(`${base}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data || !/^event: service\.(added|changed)/m.test(block)) continue;
          const s = JSON.parse(data).service as { name: string; health: string };
          if (s.health !== "healthy" || seen.has(s.name)) continue;
          const at = performance.now();
          seen.set(s.name, at);
          waiters.get(s.name)?.(at);
        }
      }
    };
    pump().catch(() => {});
  })();
  return {
    ready,
    healthy: (name: string) =>
      new Promise<number>((resolve, reject) => {
        const had = seen.get(name);
        if (had !== undefined) return resolve(had);
        const timer = setTimeout(() => reject(new Error(`${name} not healthy in 15 s`)), 15_000);
        waiters.set(name, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      }),
    close: () => abort.abort(),
  };
}

try {
  // Three peers, each with its own socket root and services.
  const peers: { name: string; dir: string; port: number; token: string }[] = [];
  for (let i = 1; i <= 3; i++) {
    const dir = `${root}/peer${i}`;
    await Deno.mkdir(dir, { recursive: true });
    const backend = startProcess(deno, [
      "run",
      "-A",
      `${repo}bench/router/bench_backend.deno.ts`,
      dir,
      String(perPeer),
      "svc",
      "rpc,admin",
    ]);
    procs.push(backend);
    await backend.waitFor(/ready/, 120_000);
    const port = freePort();
    const r = router(dir, port);
    procs.push(r);
    await r.waitFor(/listening|ready/, 60_000).catch(() => {});
    const token = (await Deno.readTextFile(`${dir}/admin_token`)).trim();
    await waitHttp(`http://127.0.0.1:${port}/svc_0000/admin/item.json`, r, {
      authorization: `Bearer ${token}`,
    });
    peers.push({ name: `p${i}`, dir, port, token });
  }

  // The hub: federates the three peers with their pinned tokens.
  const hubDir = `${root}/hub`;
  await Deno.mkdir(`${hubDir}/router/peers`, { recursive: true });
  for (const p of peers) {
    await Deno.writeTextFile(`${hubDir}/router/peers/${p.name}.token`, p.token);
  }
  const hubPort = freePort();
  const started = performance.now();
  const hub = router(hubDir, hubPort, [
    "--manual-sources",
    `${hubDir}/router/manual_sources.json`,
    ...peers.flatMap((p) => ["--peer", `${p.name}=http://127.0.0.1:${p.port}`]),
  ]);
  procs.push(hub);
  const hubBase = `http://127.0.0.1:${hubPort}`;
  const hubToken = await waitFile(`${hubDir}/admin_token`);
  const auth = { authorization: `Bearer ${hubToken}` };
  for (;;) {
    try {
      const res = await fetch(`${hubBase}/api/services`, { headers: auth });
      const list = (await res.json()).services as { name: string; health: string }[];
      const synced = list.filter((s) => /^p\d\/svc_/.test(s.name) && s.health === "healthy");
      if (synced.length === 3 * perPeer) break;
    } catch { /* starting */ }
    if (performance.now() - started > 60_000) throw new Error(`hub did not sync:\n${hub.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  report.initialSyncMs = Math.round(performance.now() - started);

  // A new service on peer 2: local discovery, then the hop to the hub.
  const p2 = peers[1];
  const local = follow(`http://127.0.0.1:${p2.port}`, p2.token);
  const remote = follow(hubBase, hubToken);
  await Promise.all([local.ready, remote.ready]);
  const localMs: number[] = [], remoteMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const name = `fresh_${i}`;
    const t0 = performance.now();
    await Deno.mkdir(`${p2.dir}/${name}`, { mode: 0o700 });
    const server = Deno.serve({ path: `${p2.dir}/${name}/rpc.sock`, onListen() {} }, (req) => {
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
    });
    const [l, r] = await Promise.all([local.healthy(name), remote.healthy(`p2/${name}`)]);
    localMs.push(l - t0);
    remoteMs.push(r - t0);
    await server.shutdown();
    await Deno.remove(`${p2.dir}/${name}`, { recursive: true });
  }
  local.close();
  remote.close();
  report.newServiceLocalMs = { median: round(median(localMs)), p95: round(pct(localMs, 0.95)) };
  report.newServiceRemoteMs = { median: round(median(remoteMs)), p95: round(pct(remoteMs, 0.95)) };
  report.feedHopMs = round(median(remoteMs.map((r, i) => r - localMs[i])));

  // nginx in front of peer 1: the same extra hop, by a proxy built for it.
  const p1 = peers[0];
  const nginxPort = freePort();
  const nginxDir = `${root}/nginx`;
  await Deno.mkdir(`${nginxDir}/logs`, { recursive: true });
  await Deno.writeTextFile(
    `${nginxDir}/nginx.conf`,
    `
${Deno.uid() === 0 ? "user root;" : ""}
worker_processes auto;
error_log ${nginxDir}/logs/error.log warn;
pid ${nginxDir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${nginxDir}/body; proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fcgi; uwsgi_temp_path ${nginxDir}/uwsgi; scgi_temp_path ${nginxDir}/scgi;
  upstream peer { server 127.0.0.1:${p1.port}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location /p1/ {
      proxy_pass http://peer/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1:${p1.port};
      proxy_set_header Authorization "Bearer ${p1.token}";
      proxy_set_header X-Forwarded-Prefix /p1;
    }
  }
}
`,
  );
  const nginx = startProcess("nginx", [
    "-p",
    nginxDir,
    "-c",
    `${nginxDir}/nginx.conf`,
    "-g",
    "daemon off;",
  ]);
  procs.push(nginx);
  const item = "/svc_0000/admin/item.json";
  await waitHttp(`http://127.0.0.1:${nginxPort}/p1${item}`, nginx);
  await waitHttp(`${hubBase}/p1${item}`, hub, auth);

  const targets: [string, string, string[]][] = [
    ["direct", `http://127.0.0.1:${p1.port}${item}`, [`Authorization: Bearer ${p1.token}`]],
    ["hub hop", `${hubBase}/p1${item}`, [`Authorization: Bearer ${hubToken}`]],
    ["nginx hop", `http://127.0.0.1:${nginxPort}/p1${item}`, []],
  ];
  const table: Record<string, Record<string, WrkResult>> = {};
  for (const connections of [64, 1]) {
    const runs = new Map<string, WrkResult[]>();
    for (let r = 0; r < rounds; r++) {
      for (const [name, url, headers] of targets) {
        const res = await wrk(name, url, { headers, duration, connections });
        runs.set(name, [...(runs.get(name) ?? []), res]);
      }
    }
    table[`c${connections}`] = Object.fromEntries(targets.map(([name]) => {
      const rs = runs.get(name)!;
      return [name, {
        name,
        requestsPerSec: median(rs.map((x) => x.requestsPerSec)),
        p50Ms: median(rs.map((x) => x.p50Ms)),
        p99Ms: median(rs.map((x) => x.p99Ms)),
        errors: rs.reduce((n, x) => n + x.errors, 0),
      }];
    }));
  }
  report.proxy = table;
} finally {
  for (const p of procs.reverse()) await p.stop();
  await Deno.remove(root, { recursive: true }).catch(() => {});
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  const total = 3 * perPeer;
  console.log(`federation: a hub router with 3 peer routers, ${total} services in all (loopback)`);
  console.log(`  initial sync (hub start -> all ${total} healthy): ${report.initialSyncMs} ms`);
  const f = (k: string) => {
    const v = report[k] as { median: number; p95: number };
    return `median ${v.median} ms, p95 ${v.p95} ms`;
  };
  console.log(`  new service -> healthy on its own router: ${f("newServiceLocalMs")} (${samples})`);
  console.log(`  new service -> healthy on the hub:       ${f("newServiceRemoteMs")}`);
  console.log(`  the federation hop adds (median):         ${report.feedHopMs} ms`);
  const proxy = report.proxy as Record<string, Record<string, WrkResult>>;
  for (const [shape, rows] of Object.entries(proxy)) {
    console.log(
      `  proxy, wrk ${
        shape === "c1" ? "1 connection" : "64 connections"
      }, ${duration}s x ${rounds} rounds (median):`,
    );
    console.log("    path        req/s     p50 ms   p99 ms   errors");
    for (const r of Object.values(rows)) {
      console.log(
        `    ${r.name.padEnd(10)} ${r.requestsPerSec.toFixed(0).padStart(7)} ${
          r.p50Ms.toFixed(2).padStart(9)
        } ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(8)}`,
      );
    }
  }
}

async function waitFile(path: string): Promise<string> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      const text = (await Deno.readTextFile(path)).trim();
      if (text) return text;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
