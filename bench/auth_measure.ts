/**
 * What bench/auth.ts measures with: a rate of async calls, a process's memory (RSS, what only
 * it holds, the file pages it shares) and CPU time from /proc, the token-endpoint load, and
 * the processes it starts — hero_auth the way hero_proc does (its flags and environment), the
 * peer (oidc-provider alone) and an idle Node process, each with a compile cache of the run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { AUTH_NODE_FLAGS, authNodeEnv } from "../auth/src/node_flags.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NODE = path.join(REPO, "node_modules/node/bin/node");
// hero_auth's flags plus any a run adds to compare them (HERO_AUTH_BENCH_FLAGS="--no-maglev"),
// for hero_auth, the peer and the idle Node process alike.
const FLAGS = [
  ...AUTH_NODE_FLAGS,
  ...(process.env.HERO_AUTH_BENCH_FLAGS ?? "").split(/\s+/).filter(Boolean),
];

/** Memory of a process in MB. */
export interface Memory {
  rss: number;
  own: number;
  shared: number;
}

/** Calls per second of `fn`, `n` calls with `concurrency` in flight. */
export async function rate(
  n: number,
  concurrency: number,
  fn: () => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await fn();
  }));
  return n / ((performance.now() - t0) / 1000);
}

/** Resident memory of a process: RSS, what only it holds, and the file pages it shares. */
export function memory(pid: number): Memory {
  const roll = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(roll)![1]) / 1024;
  return {
    rss: kb("Rss"),
    own: kb("Private_Dirty") + kb("Private_Clean"),
    shared: kb("Shared_Clean") + kb("Shared_Dirty"),
  };
}

/** CPU seconds a process has used (user + system; Linux counts in 1/100 s). */
export function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Client-credentials grants against a token endpoint on a Unix socket, 16 in flight. */
export async function tokenLoad(opts: {
  pid: number;
  socketPath: string;
  host: string;
  client: { client_id: string; client_secret: string };
  resource: string;
  grants: number;
}): Promise<{ grants: number; perCpu: number; tokens: string[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const basic = "Basic " +
    Buffer.from(`${opts.client.client_id}:${opts.client.client_secret}`).toString("base64");
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    scope: "hero:read",
    resource: opts.resource,
  }).toString();
  const tokens: string[] = [];
  const grant = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({
        agent,
        socketPath: opts.socketPath,
        path: "/token",
        method: "POST",
        headers: {
          authorization: basic,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          host: opts.host,
        },
      }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new Error(`token endpoint ${res.statusCode}: ${text}`));
          } else {
            if (tokens.length < 5000) tokens.push(JSON.parse(text).access_token);
            resolve();
          }
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  await rate(300, 16, grant);
  const cpu0 = cpuSeconds(opts.pid);
  const grants = await rate(opts.grants, 16, grant);
  const perCpu = opts.grants / (cpuSeconds(opts.pid) - cpu0);
  agent.destroy();
  return { grants, perCpu, tokens };
}

/** Stops a child process and waits for it. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

/** Resident memory of an idle Node process with hero_auth's flags: the floor of any of them. */
export async function bareNodeMemory(): Promise<Memory> {
  const bare = spawn(NODE, [...FLAGS, "-e", "setInterval(() => {}, 1000)"], {
    stdio: "ignore",
  });
  await new Promise((r) => setTimeout(r, 2000));
  const m = memory(bare.pid!);
  await stop(bare);
  return m;
}

/** Starts hero_auth the way hero_proc does (its flags and environment), on a fresh database. */
export async function startHeroAuth(
  dir: string,
  issuer: string,
  cacheDir: string,
): Promise<ChildProcess> {
  const child = spawn(NODE, [
    ...FLAGS,
    path.join(REPO, "auth/main.ts"),
    "run",
    "--db",
    path.join(dir, "auth.db"),
    "--issuer",
    issuer,
  ], {
    env: { ...process.env, ...authNodeEnv(cacheDir), PATH_SOCKET: dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) =>
    child.stdout!.on("data", (c) => String(c).includes("serving") && resolve())
  );
  return child;
}

/** Starts the peer (oidc-provider alone) on `socket`; resolves it and its client. */
export async function startPeer(socket: string, cacheDir: string): Promise<{
  child: ChildProcess;
  client: { client_id: string; client_secret: string };
}> {
  const child = spawn(NODE, [
    ...FLAGS,
    path.join(REPO, "bench/auth_peer_provider.ts"),
    socket,
  ], { env: { ...process.env, ...authNodeEnv(cacheDir) }, stdio: ["ignore", "pipe", "inherit"] });
  const client = await new Promise<{ client_id: string; client_secret: string }>((resolve) =>
    child.stdout!.once("data", (c) => resolve(JSON.parse(String(c))))
  );
  return { child, client };
}
