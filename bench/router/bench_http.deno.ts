/**
 * HTTP helpers of the router benchmarks: wrk runs (warm-up, then a measured run with latency
 * percentiles) and waiting until a URL answers 200.
 */

/** One wrk result. */
export interface WrkResult {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** How wrk runs. */
export interface WrkOptions {
  /** `Name: value` request headers. */
  headers?: string[];
  /** Measured seconds (after a 2 s warm-up). */
  duration: number;
  /** Open connections (default 64; threads: 2, or 1 for a single connection). */
  connections?: number;
}

const ms = (v: string, unit: string) =>
  Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit];

/** Runs wrk against `url`: a 2 s warm-up (connections, JIT), then the measured run. */
export async function wrk(name: string, url: string, opts: WrkOptions): Promise<WrkResult> {
  const headers = (opts.headers ?? []).flatMap((x) => ["-H", x]);
  const c = opts.connections ?? 64;
  const shape = [`-t${c > 1 ? 2 : 1}`, `-c${c}`];
  await new Deno.Command("wrk", { args: [...shape, "-d2s", ...headers, url], stdout: "null" })
    .output();
  const out = await new Deno.Command("wrk", {
    args: [...shape, `-d${opts.duration}s`, "--latency", ...headers, url],
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const p = (q: string) => {
    const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return m ? ms(m[1], m[2]) : NaN;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? "0";
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    name,
    requestsPerSec: rps,
    p50Ms: p("50"),
    p99Ms: p("99"),
    errors: Number(errors) + socketErrors,
  };
}

/** Waits until `url` answers 200 (15 s at most; the error shows `proc`'s output). */
export async function waitHttp(
  url: string,
  proc: { output(): string },
  headers: Record<string, string> = {},
): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(url, { headers });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch { /* not yet */ }
    if (Date.now() > end) {
      throw new Error(`${url} did not answer 200 within 15 s:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
