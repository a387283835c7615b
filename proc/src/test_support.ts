/**
 * Shared pieces of hero_proc's tests: a temporary state directory, a supervisor opened on it
 * and closed afterwards, and polling for a condition with a generous correctness bound.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";
import { Supervisor } from "./supervisor/supervisor.ts";

/** The CLI launcher (`hero_proc`). */
export const LAUNCHER = fileURLToPath(new URL("../bin/hero_proc.mjs", import.meta.url));

/** A fresh temporary directory; removed by the returned cleanup. */
export function tempDir(prefix = "hero_proc_test_"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a supervisor on a temp state dir; `close()` stops everything and removes the dir. */
export async function openTestSupervisor(
  configDir?: string,
): Promise<{ sup: Supervisor; dir: string; close: () => Promise<void> }> {
  const t = tempDir();
  const sup = await Supervisor.open({ stateDir: path.join(t.dir, "state"), configDir });
  return {
    sup,
    dir: t.dir,
    close: async () => {
      await sup.close();
      t.cleanup();
    },
  };
}

/**
 * Polls `fn` until it returns a truthy value; throws after `timeoutMs` with `what`. The bound
 * only catches a hang (the wait ends as soon as the condition holds), so it is generous: test
 * machines are shared and a shell in a PTY can take seconds to start under load.
 */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True if a process with this pid exists (zombies count as gone). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** A hero_proc daemon running as a real child process on temp directories. */
export interface DaemonProcess {
  pid: number;
  env: Record<string, string>;
  client: RpcClient;
  /** Resolves with the exit code/signal once the daemon process is gone. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** What it (and any successor sharing its stderr) wrote to stderr so far. */
  stderr: () => string;
}

/** Paths of a test daemon under `dir`. */
export function daemonEnv(dir: string): Record<string, string> {
  return {
    HERO_PROC_STATE_DIR: path.join(dir, "state"),
    HERO_PROC_CONFIG_DIR: path.join(dir, "cfg"),
    PATH_SOCKET: path.join(dir, "sock"),
  };
}

/** Starts `hero_proc serve` on `dir` (with `extraEnv`) and waits until it answers. */
export async function startDaemonProcess(
  dir: string,
  extraEnv: Record<string, string> = {},
): Promise<DaemonProcess> {
  const env = { ...process.env, ...daemonEnv(dir), ...extraEnv } as Record<string, string>;
  const child = spawn(process.execPath, [LAUNCHER, "serve"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal }))
  );
  const client = new RpcClient(path.join(env.PATH_SOCKET, "hero_proc", "rpc.sock"), {
    timeoutMs: 30_000,
  });
  let done = false;
  exited.then(() => (done = true));
  try {
    // The first daemon on a changed hero_shim.c compiles it: on a loaded machine, many seconds.
    await waitFor("daemon healthy", async () => {
      if (done) throw new Error(`daemon exited: ${stderr}`);
      return (await client.call<{ pid: number }>("system.info")).pid === child.pid;
    }, 60_000);
  } catch (err) {
    // A daemon left running would keep the test file from ever ending.
    child.kill("SIGKILL");
    client.close();
    throw err;
  }
  return { pid: child.pid!, env, client, exited, stderr: () => stderr };
}
