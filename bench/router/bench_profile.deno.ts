/**
 * Where a proxy's CPU goes, for the proxy bench's `--profile`: a V8 CPU profile of the router
 * under wrk (self time per function, and folded stacks for a flame graph) and, where `perf`
 * works, the split of its CPU samples between the kernel, the Deno binary (V8's runtime and
 * builtins, Deno's Rust ops, tokio), JIT-compiled JavaScript and libc.
 */
import { foldedStacks, selfTime, takeProfile } from "./cpu_profile.deno.ts";

/** Profiles the process behind inspector `port` for `seconds` while `load` runs. */
export async function v8Profile(
  port: number,
  seconds: number,
  load: () => Promise<unknown>,
): Promise<{ summary: string; folded: string }> {
  const running = load();
  await new Promise((r) => setTimeout(r, 2500)); // wrk's warm-up, then the measured run
  const profile = await takeProfile(port, seconds);
  await running;
  const summary = selfTime(profile, 30)
    .map(({ percent, fn }) => `${percent.toFixed(1).padStart(5)}%  ${fn}`)
    .join("\n");
  return { summary, folded: foldedStacks(profile) };
}

/**
 * `perf record` of `pid` for `seconds` while `load` runs; the share of samples per kind of
 * code, or undefined when perf is missing or not allowed. The process must run with
 * `--v8-flags=--perf-basic-prof` for JIT code to be told apart.
 */
export async function perfSplit(
  pid: number,
  seconds: number,
  load: () => Promise<unknown>,
): Promise<Record<string, number> | undefined> {
  const data = await Deno.makeTempFile({ prefix: "hero_proxy_perf_" });
  try {
    const running = load();
    await new Promise((r) => setTimeout(r, 2500));
    const rec = await new Deno.Command("perf", {
      args: [
        "record",
        "-e",
        "cpu-clock",
        "-p",
        String(pid),
        "-o",
        data,
        "--",
        "sleep",
        String(seconds),
      ],
      stdout: "null",
      stderr: "null",
    }).output().catch(() => undefined);
    await running;
    if (!rec?.success) return undefined;
    const report = await new Deno.Command("perf", {
      args: ["report", "-i", data, "--sort", "dso", "--stdio", "-g", "none"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const split: Record<string, number> = { kernel: 0, deno: 0, jit: 0, libc: 0, other: 0 };
    for (const line of new TextDecoder().decode(report.stdout).split("\n")) {
      const m = /^\s+([\d.]+)%\s+(.+?)\s*$/.exec(line);
      if (!m) continue;
      const dso = m[2];
      const kind = dso.includes("kernel")
        ? "kernel"
        : dso.includes("JIT") || dso.includes("perf-")
        ? "jit"
        : dso.startsWith("libc")
        ? "libc"
        : dso === "deno"
        ? "deno"
        : "other";
      split[kind] += Number(m[1]);
    }
    return split;
  } finally {
    await Deno.remove(data).catch(() => {});
  }
}
