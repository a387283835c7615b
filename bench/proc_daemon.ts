/** Starts a throw-away hero_proc daemon for a bench: temp dirs, RPC client, clean stop. */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";

const LAUNCHER = fileURLToPath(new URL("../proc/bin/hero_proc.mjs", import.meta.url));

/** A running bench daemon. */
export interface BenchDaemon {
  dir: string;
  socketRoot: string;
  client: RpcClient;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts hero_proc with `env` added; resolves once it answers. */
export async function startDaemon(env: Record<string, string> = {}): Promise<BenchDaemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero_bench_logs_"));
  const socketRoot = path.join(dir, "s");
  const child = spawn(process.execPath, [LAUNCHER, "serve"], {
    env: {
      ...process.env,
      HERO_PROC_STATE_DIR: path.join(dir, "state"),
      HERO_PROC_CONFIG_DIR: path.join(dir, "cfg"),
      PATH_SOCKET: socketRoot,
      HERO_PROC_LOG_MIN_FREE: "0",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const client = new RpcClient(path.join(socketRoot, "hero_proc/rpc.sock"), { timeoutMs: 120_000 });
  for (let i = 0;; i++) {
    try {
      await client.call("system.info");
      break;
    } catch (err) {
      if (i > 300) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    dir,
    socketRoot,
    client,
    child,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(t);
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Lines stored under a source prefix (from the per-source counts: cheap at any size). */
export async function storedUnder(client: RpcClient, prefix: string): Promise<number> {
  const tree = await client.call<{ lines: number }>("logs.tree", { prefix, depth: 1 });
  return tree.lines;
}

/**
 * Waits until the log indexer has caught up (`logs.stats` queued = 0): lines are queryable on
 * arrival, and this tells when they are also in the SQL indexes and FTS.
 */
export async function indexedAfter(client: RpcClient, t0: number): Promise<number> {
  for (;;) {
    const s = await client.call<{ queued: number }>("logs.stats");
    if (s.queued === 0) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
}
