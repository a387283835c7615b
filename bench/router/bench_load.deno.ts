/**
 * Load generation and measurement for the proxy bench: wrk runs (requests/s, p50, p99, errors)
 * and the CPU time the measured processes spent meanwhile, read from `/proc/<pid>/stat` of each
 * process and its descendants (nginx's workers). CPU time per request does not depend on what
 * else runs on the machine, unlike requests/s, so it is the steadier figure on shared cores.
 */

/** One measurement of one target. */
export interface LoadResult {
  name: string;
  /** Requests (or WebSocket messages) per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time of the proxy's processes per request, in microseconds. */
  cpuUsPerReq: number;
}

/** What one wrk run measures. */
export interface WrkOptions {
  url: string;
  connections: number;
  durationS: number;
  headers?: string[];
  /** Processes whose CPU time is charged to this target. */
  pids: number[];
}

const TICK_S = 0.01; // USER_HZ is 100 on Linux.

/** The CPU seconds (user + system) of `pids` and all their descendants. */
export function cpuSeconds(pids: number[]): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const text = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // Fields after the command name (which may hold spaces) start at the last ")".
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(entry.name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch { /* exited meanwhile */ }
  }
  const wanted = new Set(pids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!wanted.has(pid) && wanted.has(s.ppid)) {
        wanted.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of wanted) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks * TICK_S;
}

const toMs = (v: string, unit: string) =>
  Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

/** Runs wrk (after a 2 s warm-up) and reads its figures and the targets' CPU time. */
export async function wrk(name: string, opts: WrkOptions): Promise<LoadResult> {
  const headers = (opts.headers ?? []).flatMap((x) => ["-H", x]);
  const threads = "-t2";
  const c = `-c${opts.connections}`;
  await new Deno.Command("wrk", {
    args: [threads, c, "-d2s", ...headers, opts.url],
    stdout: "null",
  })
    .output();
  const before = cpuSeconds(opts.pids);
  const out = await new Deno.Command("wrk", {
    args: [threads, c, `-d${opts.durationS}s`, "--latency", ...headers, opts.url],
  }).output();
  const cpu = cpuSeconds(opts.pids) - before;
  const text = new TextDecoder().decode(out.stdout);
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const p = (q: string) => {
    const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? "0");
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    name,
    rate,
    p50Ms: p("50"),
    p99Ms: p("99"),
    errors: non2xx + socketErrors,
    cpuUsPerReq: (cpu / total) * 1e6,
  };
}

/** The median of each figure over rounds; errors are summed. */
export function medianOf(name: string, runs: LoadResult[]): LoadResult {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    name,
    rate: median(runs.map((r) => r.rate)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    cpuUsPerReq: median(runs.map((r) => r.cpuUsPerReq)),
  };
}
