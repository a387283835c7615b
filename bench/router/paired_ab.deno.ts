/**
 * Paired A/B of two router checkouts beside the bare byte relay, for changes smaller than the
 * noise of shared cores: short wrk runs alternate between A and B (order swapped each round),
 * user and system CPU time per request are read separately from /proc, and the median of the
 * per-round differences A - B is reported (a paired figure is steadier than two medians).
 *
 * Usage: deno run -A bench/router/paired_ab.deno.ts CHECKOUT_A CHECKOUT_B [ROUNDS=10] [SECONDS=4]
 */
import { freePort, startProcess } from "./bench_process.deno.ts";
import { waitHttp } from "./bench_http.deno.ts";

const [a, b, roundsText = "10", seconds = "4"] = Deno.args;
const here = new URL(".", import.meta.url).pathname;
const deno = Deno.execPath();
const stops: (() => Promise<void>)[] = [];

/** A measured process: where wrk sends requests and whose CPU time counts. */
interface Target {
  port: number;
  pid: number;
  headers: string[];
}

/** One run: requests/s and CPU µs per request, user and system. */
interface Run {
  rate: number;
  user: number;
  sys: number;
}

/** User and system clock ticks of a process (all its threads). */
function ticks(pid: number): [number, number] {
  const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return [Number(f[11]), Number(f[12])];
}

/** Starts a backend and a checkout's router on it; the router's target and socket root. */
async function router(checkout: string): Promise<Target & { root: string }> {
  const root = await Deno.makeTempDir({ prefix: "hero_paired_ab_" });
  const back = startProcess(deno, [
    "run",
    "-A",
    `${here}bench_backend.deno.ts`,
    root,
    "1",
    "bench_svc",
  ]);
  stops.push(() => back.stop());
  await back.waitFor(/ready/);
  const port = freePort();
  const p = startProcess(deno, [
    "run",
    "-A",
    `${checkout}/router/main.ts`,
    "serve",
    "--socket-dir",
    root,
    "--bind",
    `127.0.0.1:${port}`,
    "--log-level",
    "warn",
  ]);
  stops.push(() => p.stop());
  let token = "";
  for (let i = 0; i < 150 && !token; i++) {
    token = (await Deno.readTextFile(`${root}/admin_token`).catch(() => "")).trim();
    if (!token) await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://127.0.0.1:${port}/bench_svc/admin/item.json`;
  await waitHttp(url, p, { authorization: `Bearer ${token}` });
  return { port, pid: p.pid, headers: ["-H", `Authorization: Bearer ${token}`], root };
}

/** One wrk run against `t` (after a 1 s warm-up). */
async function run(t: Target): Promise<Run> {
  const url = `http://127.0.0.1:${t.port}/bench_svc/admin/item.json`;
  const wrk = (d: string) =>
    new Deno.Command("wrk", { args: ["-t2", "-c64", `-d${d}`, ...t.headers, url] }).output();
  await wrk("1s");
  const [u0, s0] = ticks(t.pid);
  const out = new TextDecoder().decode((await wrk(`${seconds}s`)).stdout);
  const [u1, s1] = ticks(t.pid);
  const n = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  // A tick is 10 ms: ticks * 1e4 / n is µs per request.
  return { rate: n / Number(seconds), user: ((u1 - u0) * 1e4) / n, sys: ((s1 - s0) * 1e4) / n };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ")[0];

try {
  const loadAtStart = load();
  const A = await router(a.replace(/\/$/, ""));
  const B = await router(b.replace(/\/$/, ""));
  const relayPort = freePort();
  const relay = startProcess(deno, [
    "run",
    "-A",
    `${here}raw_relay.deno.ts`,
    `${A.root}/bench_svc/admin.sock`,
    String(relayPort),
    "/bench_svc/admin",
  ]);
  stops.push(() => relay.stop());
  await relay.waitFor(/ready/);
  const targets: Record<string, Target> = {
    A,
    B,
    relay: { port: relayPort, pid: relay.pid, headers: [] },
  };
  const rows: Record<string, Run[]> = { A: [], B: [], relay: [] };
  for (let i = 0; i < Number(roundsText); i++) {
    for (const name of i % 2 ? ["B", "A", "relay"] : ["A", "B", "relay"]) {
      const r = await run(targets[name]);
      rows[name].push(r);
      console.error(
        `round ${i + 1} ${name}: ${r.rate.toFixed(0)} req/s, user ${r.user.toFixed(1)}, ` +
          `system ${r.sys.toFixed(1)} µs/req`,
      );
    }
  }
  console.log(`load average ${loadAtStart} at the start, ${load()} at the end`);
  for (const [name, r] of Object.entries(rows)) {
    console.log(
      `${name.padEnd(6)} ${median(r.map((x) => x.rate)).toFixed(0)} req/s, user ` +
        `${median(r.map((x) => x.user)).toFixed(1)}, system ${
          median(r.map((x) => x.sys)).toFixed(1)
        }, ` +
        `total ${median(r.map((x) => x.user + x.sys)).toFixed(1)} µs/req (medians)`,
    );
  }
  const diff = (f: (x: Run) => number) => median(rows.A.map((x, i) => f(x) - f(rows.B[i])));
  console.log(
    `A - B, median of the rounds' differences: user ${diff((x) => x.user).toFixed(2)}, system ` +
      `${diff((x) => x.sys).toFixed(2)}, total ${diff((x) => x.user + x.sys).toFixed(2)} µs/req`,
  );
} finally {
  for (const stop of stops.reverse()) await stop();
}
