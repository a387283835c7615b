/**
 * Proxy benchmark: hero_router, nginx and Caddy proxy the same service socket in the same run,
 * beside three reference rows: `Deno.serve` answering directly (no proxy hop: the runtime's
 * floor), a naive Deno proxy (`Deno.serve` + `fetch` over a Unix-socket client) and a bare byte
 * relay on `Deno.listen` (the least a proxy on Deno can cost: four socket operations a request). Cases: 1 KB JSON
 * at 64 connections, 64 KB JSON at 64 connections, 1 KB at 1,000 connections (wrk), and
 * WebSocket echo messages/s at 64 connections. Needs nginx, caddy and wrk (see setup.sh).
 *
 * Targets are measured in interleaved rounds (router, nginx, caddy, ..., router, ...) and the
 * median of each figure is reported, so that load from elsewhere on the machine hits all of them
 * alike. Beside req/s, p50, p99 and errors, each row shows the CPU time the proxy's processes
 * spent per request (from /proc), which does not depend on that load.
 *
 * Usage: deno run -A bench/router/proxy_bench.deno.ts [--duration 10] [--rounds 3]
 *        [--cases small,big,c1000,ws] [--targets hero_router,nginx,...] [--json] [--out FILE]
 *        [--baseline OTHER_CHECKOUT]   also measures that checkout's router (before/after rows)
 *        [--loops 2,4]     also measures the router with that many event loops (`--front-loops`)
 *        [--profile DIR]   then profiles each router under the 1 KB load (V8 profile: self time
 *                          and folded stacks; perf: kernel / Deno binary / JIT / libc) into DIR
 */
import { parseArgs } from "node:util";
import { type BenchProcess, freePort, startProcess } from "./bench_process.deno.ts";
import { type LoadResult, medianOf, wrk } from "./bench_load.deno.ts";
import { waitHttp } from "./bench_http.deno.ts";
import { cpuSeconds } from "./bench_load.deno.ts";
import { startCaddy, startNginx } from "./bench_peers.deno.ts";
import { perfSplit, v8Profile } from "./bench_profile.deno.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    cases: { type: "string", default: "small,big,c1000,ws" },
    targets: { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
    baseline: { type: "string" },
    profile: { type: "string" },
    loops: { type: "string" },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const repo = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
const root = await Deno.makeTempDir({ prefix: "hero_router_bench_" });
const prefix = "/bench_svc/admin";
/** The 1-minute load average: on shared cores the rates follow it, so the report carries it. */
const loadAverage = () => Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
const loadAtStart = loadAverage();

/** One thing measured: where it listens, what it needs, whose CPU it costs. */
interface Target {
  name: string;
  port: number;
  headers: string[];
  pids: number[];
  /** Path prefix in front of the backend path ("" for the backend itself). */
  prefix: string;
  ws: boolean;
}

/** One case: what is asked and how hard. */
interface Case {
  id: string;
  title: string;
  path: string;
  connections: number;
  seconds: number;
  ws?: boolean;
}

const allCases: Case[] = [
  { id: "small", title: "1 KB JSON, c64", path: "/item.json", connections: 64, seconds: duration },
  { id: "big", title: "64 KB JSON, c64", path: "/big.json", connections: 64, seconds: duration },
  {
    id: "c1000",
    title: "1 KB JSON, c1000",
    path: "/item.json",
    connections: 1000,
    seconds: Math.max(6, Math.round(duration / 2)),
  },
  {
    id: "ws",
    title: "WebSocket echo, c64",
    path: "/ws",
    connections: 64,
    seconds: duration,
    ws: true,
  },
];
const cases = allCases.filter((c) => values.cases.split(",").includes(c.id));

const procs: BenchProcess[] = [];
const table = new Map<string, Map<string, LoadResult[]>>();

/** Starts the bench backend (and its direct TCP listener) under `dir`. */
async function backend(dir: string, tcpPort = 0): Promise<BenchProcess> {
  const p = startProcess(
    deno,
    ["run", "-A", `${repo}bench/router/bench_backend.deno.ts`, dir, "1", "bench_svc"],
    tcpPort ? { BENCH_TCP_PORT: String(tcpPort) } : {},
  );
  procs.push(p);
  await p.waitFor(/ready/);
  return p;
}

/** Starts a checkout's router on `dir` and returns its target row. */
async function router(
  name: string,
  checkout: string,
  dir: string,
  flags: string[] = [],
  serveArgs: string[] = [],
): Promise<Target> {
  const port = freePort();
  const p = startProcess(deno, [
    "run",
    "-A",
    ...flags,
    `${checkout}/router/main.ts`,
    "serve",
    "--socket-dir",
    dir,
    "--bind",
    `127.0.0.1:${port}`,
    "--log-level",
    "warn",
    ...serveArgs,
  ]);
  procs.push(p);
  // Every TCP request passes the router's authorization gate: the bench presents the token.
  let token = "";
  for (let i = 0; i < 150 && !token; i++) {
    token = (await Deno.readTextFile(`${dir}/admin_token`).catch(() => "")).trim();
    if (!token) await new Promise((r) => setTimeout(r, 100));
  }
  const headers = token ? [`Authorization: Bearer ${token}`] : [];
  await waitHttp(`http://127.0.0.1:${port}${prefix}/item.json`, p, {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  return { name, port, headers, pids: [p.pid], prefix, ws: true };
}

/** Profiles a checkout's router (its own backend and socket root) under the 1 KB load. */
async function profileRouter(name: string, checkout: string, out: string): Promise<void> {
  const dir = `${root}/profile_${name}`;
  await Deno.mkdir(dir);
  await backend(dir);
  const inspect = freePort();
  const t = await router(`${name}_profiled`, checkout, dir, [
    `--inspect=127.0.0.1:${inspect}`,
    "--v8-flags=--perf-basic-prof",
  ]);
  const load = () =>
    wrk(name, {
      url: `http://127.0.0.1:${t.port}${prefix}/item.json`,
      connections: 64,
      durationS: 8,
      headers: t.headers,
      pids: t.pids,
    });
  const v8 = await v8Profile(inspect, 5, load);
  const split = await perfSplit(t.pids[0], 5, load);
  const perfText = split
    ? Object.entries(split).map(([k, v]) => `${k} ${v.toFixed(1)}%`).join(", ")
    : "perf not available";
  await Deno.writeTextFile(
    `${out}/proxy_profile_${name}.txt`,
    `${name}: wrk -t2 -c64, 1 KB JSON; V8 CPU profile, 5 s, self time (top 30)\n${v8.summary}\n\n` +
      `perf (cpu-clock samples of the process): ${perfText}\n`,
  );
  await Deno.writeTextFile(`${out}/proxy_profile_${name}.folded`, v8.folded);
}

try {
  const directPort = freePort();
  const back = await backend(root, directPort);
  const socket = `${root}/bench_svc/admin.sock`;
  const targets: Target[] = [await router("hero_router", repo, root)];
  // The same router with more event loops (`--front-loops`), each on its own socket root.
  for (const n of values.loops?.split(",") ?? []) {
    const dir = `${root}/loops${n}`;
    await Deno.mkdir(dir);
    await backend(dir);
    targets.push(await router(`hero_router_loops${n}`, repo, dir, [], ["--front-loops", n]));
  }
  if (values.baseline) {
    const dir = `${root}/baseline`;
    await Deno.mkdir(dir);
    await backend(dir);
    targets.push(await router("baseline", values.baseline.replace(/\/$/, ""), dir));
  }
  const nginxPort = freePort();
  const nginx = await startNginx(`${root}/nginx`, socket, nginxPort, prefix);
  procs.push(nginx);
  await waitHttp(`http://127.0.0.1:${nginxPort}${prefix}/item.json`, nginx);
  const caddyPort = freePort();
  const caddy = await startCaddy(`${root}/caddy`, socket, caddyPort, prefix);
  procs.push(caddy);
  await waitHttp(`http://127.0.0.1:${caddyPort}${prefix}/item.json`, caddy);
  const naivePort = freePort();
  const naive = startProcess(deno, [
    "run",
    "-A",
    `${repo}bench/router/naive_proxy.deno.ts`,
    socket,
    String(naivePort),
    prefix,
  ]);
  procs.push(naive);
  await naive.waitFor(/ready/);
  const relayPort = freePort();
  const relay = startProcess(deno, [
    "run",
    "-A",
    `${repo}bench/router/raw_relay.deno.ts`,
    socket,
    String(relayPort),
    prefix,
  ]);
  procs.push(relay);
  await relay.waitFor(/ready/);
  targets.push(
    { name: "nginx", port: nginxPort, headers: [], pids: [nginx.pid], prefix, ws: true },
    { name: "caddy", port: caddyPort, headers: [], pids: [caddy.pid], prefix, ws: true },
    { name: "deno_direct", port: directPort, headers: [], pids: [back.pid], prefix: "", ws: true },
    { name: "naive_fetch", port: naivePort, headers: [], pids: [naive.pid], prefix, ws: false },
    { name: "deno_relay", port: relayPort, headers: [], pids: [relay.pid], prefix, ws: false },
  );
  const wanted = values.targets?.split(",");
  const measured = targets.filter((t) => !wanted || wanted.includes(t.name));

  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      for (const t of measured) {
        if (c.ws && !t.ws) continue;
        const url = `127.0.0.1:${t.port}${t.prefix}${c.path}`;
        const r = c.ws ? await wsLoad(t.name, `ws://${url}`, c, t) : await wrk(t.name, {
          url: `http://${url}`,
          connections: c.connections,
          durationS: c.seconds,
          headers: t.headers,
          pids: t.pids,
        });
        const rows = table.get(c.id) ?? new Map<string, LoadResult[]>();
        rows.set(t.name, [...(rows.get(t.name) ?? []), r]);
        table.set(c.id, rows);
        if (!values.json) console.error(`round ${round + 1} ${c.id} ${t.name}: ${line(r)}`);
      }
    }
  }
  if (values.profile) {
    await Deno.mkdir(values.profile, { recursive: true });
    await profileRouter("hero_router", repo.replace(/\/$/, ""), values.profile);
    if (values.baseline) {
      await profileRouter("baseline", values.baseline.replace(/\/$/, ""), values.profile);
    }
  }
} finally {
  for (const p of procs.reverse()) await p.stop();
  await Deno.remove(root, { recursive: true }).catch(() => {});
}

const results = cases.map((c) => ({
  case: c.title,
  rows: [...(table.get(c.id) ?? new Map()).entries()].map(([n, rs]) => medianOf(n, rs)),
}));
const commitOf = async (dir: string) =>
  new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["-C", dir, "rev-parse", "--short", "HEAD"] }).output())
      .stdout,
  ).trim();
const commits: Record<string, string> = { hero_router: await commitOf(repo) };
if (values.baseline) commits.baseline = await commitOf(values.baseline);
const load = { start: loadAtStart, end: loadAverage() };
const report = { date: new Date().toISOString(), duration, rounds, commits, load, results };
if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(report, null, 2) + "\n");
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `proxy bench: wrk -t2, median of ${rounds} interleaved rounds, ${duration} s each; ` +
      `load average ${load.start} at the start, ${load.end} at the end`,
  );
  for (const r of results) {
    const nginx = r.rows.find((x) => x.name === "nginx");
    console.log(`\n${r.case}`);
    console.log("target        rate/s  x nginx   p50 ms   p99 ms  errors  cpu us/req");
    for (const x of r.rows) console.log(line(x, nginx));
  }
}

function line(r: LoadResult, nginx?: LoadResult): string {
  const ratio = nginx ? (r.rate / nginx.rate).toFixed(2) + "x" : "";
  return `${r.name.padEnd(12)} ${r.rate.toFixed(0).padStart(7)} ${ratio.padStart(8)} ${
    r.p50Ms.toFixed(2).padStart(8)
  } ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(7)} ${
    r.cpuUsPerReq.toFixed(1).padStart(11)
  }`;
}

/** Runs the WebSocket echo load against one target. */
async function wsLoad(name: string, url: string, c: Case, t: Target): Promise<LoadResult> {
  const auth = t.headers[0]?.replace(/^Authorization: /, "") ?? "";
  const before = cpuSeconds(t.pids);
  const out = await new Deno.Command(deno, {
    args: [
      "run",
      "-A",
      `${repo}bench/router/ws_load.deno.ts`,
      url,
      String(c.connections),
      String(c.seconds),
      auth,
    ],
  }).output();
  const cpu = cpuSeconds(t.pids) - before;
  const text = new TextDecoder().decode(out.stdout).trim();
  const r = JSON.parse(text.split("\n").at(-1) || "{}");
  // The warm-up second is included in the CPU time: charge it at the measured rate.
  const messages = r.messages * (c.seconds + 1) / c.seconds;
  return {
    name,
    rate: r.rate ?? NaN,
    p50Ms: r.p50Ms ?? NaN,
    p99Ms: r.p99Ms ?? NaN,
    errors: r.errors ?? 1,
    cpuUsPerReq: (cpu / messages) * 1e6,
  };
}
