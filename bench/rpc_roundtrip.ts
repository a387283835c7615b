/**
 * Bench: JSON-RPC round trips over a Unix socket, SDK client to HeroServer, on Node and on Deno,
 * printed beside a bare `node:http` server answering the same request in the same run.
 * Rounds alternate between servers so that machine noise hits both sides alike.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const NODE = path.join(repo, "node_modules/node/bin/node");
const DENO = path.join(repo, "node_modules/deno/deno");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 32;

type Cmd = string[];
const runOn = (runtime: "node" | "deno", file: string, ...args: string[]): Cmd =>
  runtime === "node"
    ? [NODE, path.join(here, file), ...args]
    : [DENO, "run", "-A", path.join(here, file), ...args];

async function startServer(cmd: Cmd): Promise<ChildProcess> {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

interface Sample {
  rps: number;
  p50_ms: number;
  p99_ms: number;
}

function load(runtime: "node" | "deno", socket: string): Sample {
  const cmd = runOn(runtime, "rpc_load.ts", socket, String(SECONDS), String(CONCURRENCY));
  return JSON.parse(
    execFileSync(cmd[0], cmd.slice(1), { encoding: "utf8" }).trim().split("\n").pop()!,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summarize = (s: Sample[]): Sample => ({
  rps: median(s.map((x) => x.rps)),
  p50_ms: median(s.map((x) => x.p50_ms)),
  p99_ms: median(s.map((x) => x.p99_ms)),
});

const fmt = (label: string, x: Sample) =>
  `${label.padEnd(36)} ${x.rps.toFixed(0).padStart(8)} req/s   p50 ${
    x.p50_ms.toFixed(2)
  } ms   p99 ${x.p99_ms.toFixed(2)} ms`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hero-bench-rpc-"));
const bareSock = path.join(tmp, "bare.sock");
const rows: string[] = [];
try {
  for (const runtime of ["node", "deno"] as const) {
    const root = path.join(tmp, runtime);
    const bareDenoSock = path.join(tmp, "bare-deno.sock");
    const servers = [
      await startServer(runOn("node", "echo_servers.ts", "bare", bareSock)),
      await startServer(runOn(runtime, "echo_servers.ts", "sdk", root)),
    ];
    if (runtime === "deno") {
      servers.push(await startServer(runOn("deno", "echo_servers.ts", "bare-deno", bareDenoSock)));
    }
    const targets: [string, string][] = [
      [`${runtime} client -> bare node:http`, bareSock],
      ...(runtime === "deno"
        ? [[`deno client -> bare Deno.serve`, bareDenoSock] as [string, string]]
        : []),
      [`${runtime} client -> HeroServer (${runtime})`, path.join(root, "echo", "rpc.sock")],
    ];
    const runs = targets.map(() => [] as Sample[]);
    for (let r = 0; r < ROUNDS; r++) {
      targets.forEach(([, sock], i) => runs[i].push(load(runtime, sock)));
    }
    servers.forEach((s) => s.kill("SIGTERM"));
    const results = runs.map(summarize);
    targets.forEach(([label], i) => rows.push(fmt(label, results[i])));
    const sdk = results[results.length - 1];
    for (let i = 0; i < results.length - 1; i++) {
      rows.push(
        `${"".padEnd(36)} HeroServer / ${targets[i][0].split("-> ")[1]} = ${
          (sdk.rps / results[i].rps).toFixed(2)
        } (goal >= 0.80)`,
      );
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(
  `JSON-RPC round trips over a Unix socket: ${CONCURRENCY} concurrent calls, ${SECONDS}s x ${ROUNDS} rounds (median)`,
);
for (const r of rows) console.log(r);
