/**
 * hero_proc beside PM2, measured in the same run on the same machine: daemon RSS with 0 and
 * with 100 supervised `sleep` processes, time to start 100 services until all are running, and
 * restart latency after `kill -9` of a child (median of 25). Each child records its own start
 * time (ns) in a file, so latency is measured from the kill to the new process actually running,
 * not to whenever a status poll happens to notice it. Both supervisors are driven through their
 * programmatic APIs (hero_proc: JSON-RPC over its socket; PM2: its Node API), restart delay 0.
 *
 * Also per supervised process: what the supervisor costs beyond the child itself — the
 * daemon's growth from 0 to 100 processes divided by 100 (hero_proc's daemon figures include
 * its `hero_shim --spawner` helper, started with the first job), plus hero_proc's per-process
 * holder (hero_shim, which keeps a service running and its output and exit status safe while
 * no daemon runs; PM2 has none: its children die with its daemon).
 *
 * Run: node bench/proc_vs_pm2.ts   (prints a Markdown table and writes bench/results/proc_vs_pm2.json)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";

const N = 100;
const KILLS = 25;
const LAUNCHER = fileURLToPath(new URL("../proc/bin/hero_proc.mjs", import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hero_bench_"));

/** The results of one supervisor. */
interface Figures {
  rssIdleMb: number;
  rss100Mb: number;
  anonIdleMb: number;
  anon100Mb: number;
  start100Ms: number;
  restartMedianMs: number;
  restartP90Ms: number;
  /** Mean RSS of the per-process holders (hero_shim), KiB; 0 when there are none. */
  holderKb: number;
  /** Daemon growth per process plus holder, KiB. */
  perProcessKb: number;
}

/** What the bench needs from a supervisor. */
interface Contender {
  name: string;
  daemonPid(): Promise<number>;
  startAll(names: string[], argv: (name: string) => string[]): Promise<void>;
  runningCount(names: string[]): Promise<number>;
  childPid(name: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * VmRSS (all resident pages) and RssAnon (private memory, without the shared node binary) of
 * a daemon and of its helper (hero_proc's `hero_shim --spawner`, which forks every shim).
 */
function memMb(pid: number): { rss: number; anon: number } {
  let rss = 0, anon = 0;
  for (const p of [pid, ...spawnerOf(pid)]) {
    const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    rss += kb("VmRSS");
    anon += kb("RssAnon");
  }
  return { rss: Math.round(rss / 102.4) / 10, anon: Math.round(anon / 102.4) / 10 };
}

/** The `hero_shim --spawner` child of `pid`, if it runs. */
function spawnerOf(pid: number): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, "latin1");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== pid) continue;
      if (fs.readFileSync(`/proc/${n}/cmdline`, "latin1").endsWith("\0--spawner\0")) {
        out.push(Number(n));
      }
    } catch { /* gone */ }
  }
  return out;
}

async function settle(pid: number): Promise<{ rss: number; anon: number }> {
  // Take the smallest of a few samples after GC has had a chance to run.
  await sleep(1500);
  const samples: { rss: number; anon: number }[] = [];
  for (let i = 0; i < 5; i++) (samples.push(memMb(pid)), await sleep(200));
  return {
    rss: Math.min(...samples.map((s) => s.rss)),
    anon: Math.min(...samples.map((s) => s.anon)),
  };
}

async function heroProc(): Promise<Contender> {
  const dir = path.join(tmp, "hero");
  const env = {
    ...process.env,
    HERO_PROC_STATE_DIR: path.join(dir, "state"),
    HERO_PROC_CONFIG_DIR: path.join(dir, "cfg"),
    PATH_SOCKET: path.join(dir, "sock"),
  };
  // Started the way users start it: `hero_proc start` (background daemon, its own V8 flags).
  const started = spawnSync(process.execPath, [LAUNCHER, "start"], { env, encoding: "utf8" });
  if (started.status !== 0) throw new Error(`hero_proc start failed: ${started.stderr}`);
  const client = new RpcClient(path.join(dir, "sock", "hero_proc", "rpc.sock"), {
    timeoutMs: 120_000,
  });
  const daemon = (await client.call<{ pid: number }>("system.info")).pid;
  type Status = { name: string; state: string; pid: number | null };
  return {
    name: "hero_proc",
    daemonPid: () => Promise.resolve(daemon),
    async startAll(names, argv) {
      await client.batch(names.map((name) => ({
        method: "service.set",
        params: {
          service: {
            name,
            exec: argv(name),
            restart: { policy: "always", delay_ms: 0, max_restarts: 0 },
          },
        },
      })));
    },
    async runningCount(names) {
      const list = await client.call<Status[]>("service.list");
      return list.filter((s) => names.includes(s.name) && s.state === "running").length;
    },
    async childPid(name) {
      const s = await client.call<Status>("service.status", { name });
      return s.state === "running" ? s.pid ?? undefined : undefined;
    },
    async stop() {
      await client.call("system.shutdown");
      while (fs.existsSync(`/proc/${daemon}`)) await sleep(20);
      client.close();
    },
  };
}

async function pm2(): Promise<Contender> {
  process.env.PM2_HOME = path.join(tmp, "pm2");
  // deno-lint-ignore no-explicit-any
  const pm2: any = (await import("pm2")).default;
  const call = <T>(fn: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) =>
      pm2[fn](...args, (err: unknown, r: T) => (err ? reject(err) : resolve(r)))
    );
  await call("connect");
  type Proc = { name: string; pid: number; pm2_env: { status: string } };
  return {
    name: "PM2 7.0.4",
    daemonPid: () =>
      Promise.resolve(Number(fs.readFileSync(path.join(process.env.PM2_HOME!, "pm2.pid"), "utf8"))),
    async startAll(names, argv) {
      await call(
        "start",
        names.map((name) => ({
          name,
          script: argv(name)[0],
          args: argv(name).slice(1),
          interpreter: "none",
          autorestart: true,
          restart_delay: 0,
          min_uptime: 100,
          max_restarts: 100000,
        })),
      );
    },
    async runningCount(names) {
      const list = await call<Proc[]>("list");
      return list.filter((p) =>
        names.includes(p.name) && p.pm2_env.status === "online" && p.pid > 0
      ).length;
    },
    async childPid(name) {
      const list = await call<Proc[]>("describe", name);
      const p = list[0];
      return p && p.pm2_env.status === "online" && p.pid > 0 ? p.pid : undefined;
    },
    async stop() {
      await call("delete", "all");
      await call("killDaemon");
      pm2.disconnect();
    },
  };
}

async function measure(c: Contender): Promise<Figures> {
  const daemon = await c.daemonPid();
  const idle = await settle(daemon);
  const tag = c.name.startsWith("hero") ? "h" : "p";
  const stamps = path.join(tmp, `${tag}_stamps`);
  fs.mkdirSync(stamps, { recursive: true });
  const names = Array.from({ length: N }, (_, i) => `b${tag}_${i}`);
  const argv = (name: string) => [
    "/bin/sh",
    "-c",
    `echo $(date +%s%N) >> ${stamps}/${name}; exec sleep 100000`,
  ];
  const t0 = performance.now();
  await c.startAll(names, argv);
  while ((await c.runningCount(names)) < N) await sleep(5);
  const start100Ms = Math.round(performance.now() - t0);
  const loaded = await settle(daemon);
  const holders = holderRssKb(c.name.startsWith("hero"));

  const latencies: number[] = [];
  const victim = names[0];
  const file = path.join(stamps, victim);
  for (let i = 0; i < KILLS; i++) {
    const pid = await c.childPid(victim);
    if (!pid) {
      await sleep(20);
      i--;
      continue;
    }
    const before = fs.readFileSync(file, "utf8").trim().split("\n").length;
    const killedAt = process.hrtime.bigint();
    const wallAt = BigInt(Date.now()) * 1_000_000n;
    process.kill(pid, "SIGKILL");
    for (;;) {
      const lines = fs.readFileSync(file, "utf8").trim().split("\n");
      if (lines.length > before) {
        const startedNs = BigInt(lines.at(-1)!);
        latencies.push(Number(startedNs - wallAt) / 1e6);
        break;
      }
      if (process.hrtime.bigint() - killedAt > 10_000_000_000n) {
        throw new Error(`${c.name}: no restart within 10 s`);
      }
      await sleep(1);
    }
    await sleep(400); // beyond PM2's min_uptime, so every restart counts as stable
  }
  latencies.sort((a, b) => a - b);
  return {
    rssIdleMb: idle.rss,
    rss100Mb: loaded.rss,
    anonIdleMb: idle.anon,
    anon100Mb: loaded.anon,
    start100Ms,
    restartMedianMs: Math.round(latencies[Math.floor(latencies.length / 2)] * 10) / 10,
    restartP90Ms: Math.round(latencies[Math.floor(latencies.length * 0.9)] * 10) / 10,
    holderKb: holders,
    perProcessKb: Math.round((loaded.rss - idle.rss) * 1024 / N + holders),
  };
}

/** Mean VmRSS (KiB) of the hero_shim processes holding this bench's children. */
function holderRssKb(hero: boolean): number {
  if (!hero) return 0;
  const sizes: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, "latin1");
      if (!cmd.startsWith(fileURLToPath(new URL("../proc/dist/hero_shim", import.meta.url)))) {
        continue;
      }
      if (!cmd.includes(tmp)) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${n}/status`, "latin1"))?.[1]);
      if (kb) sizes.push(kb);
    } catch { /* gone */ }
  }
  return sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : 0;
}

const results: Record<string, Figures> = {};
try {
  for (const make of [heroProc, pm2]) {
    const c = await make();
    try {
      results[c.name] = await measure(c);
    } finally {
      await c.stop();
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const [a, b] = Object.keys(results);
const row = (label: string, key: keyof Figures, unit: string) =>
  `| ${label} | ${results[a][key]} ${unit} | ${results[b][key]} ${unit} | ${
    results[a][key] <= results[b][key] ? "yes" : "no"
  } |`;
console.log(`Node ${process.version}, ${os.cpus().length} CPUs, ${N} services, ${KILLS} kills\n`);
console.log(`| metric | ${a} | ${b} | hero_proc <= PM2 |`);
console.log("|---|---|---|---|");
console.log(row("daemon RSS, 0 processes", "rssIdleMb", "MB"));
console.log(row(`daemon RSS, ${N} sleep processes`, "rss100Mb", "MB"));
console.log(row("daemon private memory (RssAnon), 0 processes", "anonIdleMb", "MB"));
console.log(row(`daemon private memory (RssAnon), ${N} processes`, "anon100Mb", "MB"));
console.log(row(`start ${N} services until all running`, "start100Ms", "ms"));
console.log(row("restart latency after kill -9 (median)", "restartMedianMs", "ms"));
console.log(row("restart latency after kill -9 (p90)", "restartP90Ms", "ms"));
console.log(
  `| per-process holder RSS (hero_shim; PM2: none, children die with its daemon) | ${
    results[a].holderKb
  } KiB | - | - |`,
);
console.log(
  row("memory per supervised process (daemon growth / N + holder)", "perProcessKb", "KiB"),
);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(
  path.join(out, "proc_vs_pm2.json"),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) +
    "\n",
);
// PM2's API leaves handles open after disconnect(); the figures are out, so leave now.
process.exit(0);
