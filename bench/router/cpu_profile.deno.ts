/**
 * V8 CPU profiles of a running Deno process, taken through its inspector (the process runs with
 * `--inspect=127.0.0.1:PORT`; Deno has no `--cpu-prof`): `Profiler.start`, wait, `Profiler.stop`.
 * The profile is summarised as self time per function (the table in bench/results) and as
 * folded stacks (`a;b;c count`, the input of flamegraph.pl, speedscope and inferno).
 */

/** A V8 `.cpuprofile`. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Profiles the process whose inspector listens on `port` for `seconds`. */
export async function takeProfile(port: number, seconds: number): Promise<CpuProfile> {
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  let next = 1;
  const waiting = new Map<number, (v: unknown) => void>();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    waiting.get(msg.id)?.(msg.result);
    waiting.delete(msg.id);
  };
  const call = (method: string, params: unknown = {}) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 100 });
  await call("Profiler.start");
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { profile } = await call("Profiler.stop") as { profile: CpuProfile };
  ws.close();
  return profile;
}

function label(f: CpuProfile["nodes"][0]["callFrame"]): string {
  const file = f.url.replace(/^.*\/(router|sdk|node_modules|ext:)/, "$1");
  return `${f.functionName || "(anonymous)"}${file ? ` ${file}:${f.lineNumber + 1}` : ""}`;
}

/** Self time per function (percent of samples), largest first. */
export function selfTime(p: CpuProfile, top = 40): { percent: number; fn: string }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  for (const id of p.samples) {
    const fn = label(byId.get(id)!.callFrame);
    counts.set(fn, (counts.get(fn) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([fn, n]) => ({ fn, percent: (100 * n) / p.samples.length }))
    .sort((a, b) => b.percent - a.percent)
    .slice(0, top);
}

/** Folded stacks (`root;caller;callee count`), one line per distinct stack. */
export function foldedStacks(p: CpuProfile): string {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map<number, number>();
  for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lines: string[] = [];
  for (const [id, n] of counts) {
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!.callFrame).replaceAll(";", ",");
      if (name !== "(root)") frames.unshift(name);
    }
    lines.push(`${frames.join(";")} ${n}`);
  }
  return lines.sort().join("\n") + "\n";
}

if (import.meta.main) {
  const [port, seconds, out] = Deno.args;
  const profile = await takeProfile(Number(port), Number(seconds ?? 5));
  for (const { percent, fn } of selfTime(profile)) {
    console.log(`${percent.toFixed(1).padStart(5)}%  ${fn}`);
  }
  if (out) await Deno.writeTextFile(out, foldedStacks(profile));
}
