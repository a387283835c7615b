/**
 * One daemon per state directory: `hero_proc.pid` holds the owner's pid and kernel start time.
 * A second daemon on the same directory (even with another socket directory) would run crash
 * recovery and stop the first one's children, so it is refused with the owner named.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { HeroError } from "@hero/sdk";
import { anyThreadAlive, isAlive, isDead, readProc } from "../supervisor/proc_table.ts";

/** Takes the lock or throws STATE_DIR_IN_USE; returns the release function. */
export function lockStateDir(stateDir: string): () => void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, "hero_proc.pid");
  try {
    const [pid, start] = fs.readFileSync(file, "utf8").trim().split(" ").map(Number);
    if (pid !== process.pid && isAlive(pid, start)) {
      throw new HeroError(
        "STATE_DIR_IN_USE",
        `Cannot start: another hero_proc (pid ${pid}) uses the state directory ${stateDir}`,
        { details: { pid } },
      );
    }
  } catch (err) {
    if (err instanceof HeroError) throw err;
  }
  const mine = `${process.pid} ${readProc(process.pid)?.startTime ?? 0}\n`;
  fs.writeFileSync(file, mine);
  return () => {
    try {
      if (fs.readFileSync(file, "utf8") === mine) fs.rmSync(file);
    } catch { /* already gone */ }
  };
}

/**
 * Waits (up to `timeoutMs`) while the daemon recorded in the state directory is dying: killed,
 * its main thread already a zombie, but another thread still in the kernel and its socket still
 * open. A new daemon started right after a `kill -9` would otherwise find rpc.sock "in use".
 */
export async function awaitDyingOwner(stateDir: string, timeoutMs = 10_000): Promise<void> {
  let pid: number, start: number;
  try {
    [pid, start] = fs.readFileSync(path.join(stateDir, "hero_proc.pid"), "utf8").trim().split(" ")
      .map(Number);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = readProc(pid);
    if (!p || p.startTime !== start || !isDead(p) || !anyThreadAlive(pid)) return;
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
