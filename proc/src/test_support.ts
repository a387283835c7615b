/**
 * Shared pieces of hero_proc's tests: a temporary state directory, a supervisor opened on it
 * and closed afterwards, and polling for a condition with a generous correctness bound.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Supervisor } from "./supervisor/supervisor.ts";

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

/** Polls `fn` until it returns a truthy value; throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
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
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
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
