/**
 * hero_proc as PID 1 (a container's init, or `unshare --pid`): reaps every orphan that the
 * kernel re-parents to it, and once the services are stopped (SIGTERM/SIGINT or
 * `system.shutdown`, dependents first, each within its stop timeout) ends whatever is still
 * left in the PID namespace, reaps it and picks the exit code.
 *
 * Node's libuv reaps only the children it spawned, by pid; a `waitpid(-1)` here would steal
 * their exit statuses. So the reaper reaps only zombies that stayed zombies across two scans
 * with the event loop's poll phase between them, where libuv collects its own children (its
 * SIGCHLD pipe is read there), and node-pty's thread blocks in `waitpid` on its child, so
 * nothing that another part of the process waits for is ever still a zombie by then.
 * `waitpid(pid)` itself comes from libc through koffi (Node has no binding for it).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { DatabaseSync } from "node:sqlite";
import { readProc } from "../supervisor/proc_table.ts";

/** Exit codes of hero_proc as init. */
export const INIT_EXIT = {
  /** Every service stopped within its stop timeout; nothing else was left. */
  clean: 0,
  /** hero_proc could not start (bad state directory, socket in use, ...). */
  startFailed: 1,
  /** Stopped, but something had to be killed: a service past its stop timeout, or a stray. */
  killed: 2,
} as const;

type WaitPid = (pid: number, status: number[], options: number) => number;
const WNOHANG = 1;

let waitpidFn: WaitPid | undefined;

/** libc's `waitpid`, loaded on first use (only an init needs it). */
function waitpid(): WaitPid {
  if (!waitpidFn) {
    const koffi = createRequire(import.meta.url)("koffi");
    const libc = koffi.load("libc.so.6");
    waitpidFn = libc.func("int waitpid(int pid, _Out_ int *status, int options)") as WaitPid;
  }
  return waitpidFn;
}

/** The pids of our children that are zombies (read from /proc). */
function zombieChildren(): number[] {
  const own = process.pid;
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const p = readProc(Number(name));
    if (p && p.ppid === own && p.state === "Z") out.push(p.pid);
  }
  return out;
}

/** Every other process in our PID namespace that is still alive. */
function othersAlive(): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const p = readProc(Number(name));
    if (p && p.pid !== process.pid && p.state !== "Z" && p.state !== "X") out.push(p.pid);
  }
  return out;
}

/** Reaps orphans: on SIGCHLD (coalesced) and every `intervalMs` as a safety net. */
export class OrphanReaper {
  /** How many orphans were reaped. */
  reaped = 0;
  #suspects = new Set<number>();
  #timer?: ReturnType<typeof setTimeout>;
  #interval?: ReturnType<typeof setInterval>;
  readonly #onChild = () => this.#soon();

  /** Starts reaping. */
  constructor(intervalMs = 5000) {
    process.on("SIGCHLD", this.#onChild);
    this.#interval = setInterval(() => this.scan(), intervalMs);
    this.#interval.unref();
  }

  /** One scan: reaps zombies seen in the previous scan too; returns how many it reaped. */
  scan(): number {
    let n = 0;
    const next = new Set<number>();
    for (const pid of zombieChildren()) {
      if (!this.#suspects.has(pid)) {
        next.add(pid);
        continue;
      }
      if (waitpid()(pid, [0], WNOHANG) === pid) n++;
    }
    this.reaped += n;
    this.#suspects = next;
    if (next.size) this.#soon();
    return n;
  }

  /** Reaps every child at once (after the services are stopped: nothing else waits then). */
  reapAll(): number {
    let n = 0;
    while (waitpid()(-1, [0], WNOHANG) > 0) n++;
    this.reaped += n;
    return n;
  }

  /** Stops reaping. */
  stop(): void {
    process.off("SIGCHLD", this.#onChild);
    clearTimeout(this.#timer);
    clearInterval(this.#interval);
  }

  #soon(): void {
    if (this.#timer) return;
    // Long enough for the loop to pass its poll phase, where libuv reaps its own children.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.scan();
    }, 200);
    this.#timer.unref();
  }
}

/** Ends every other process of the namespace: SIGTERM, up to `timeoutMs`, then SIGKILL. */
export async function endStrays(
  reaper: OrphanReaper,
  timeoutMs: number,
): Promise<{ terminated: number; killed: number }> {
  const first = othersAlive();
  for (const pid of first) signal(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  let left = first;
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    reaper.reapAll();
    left = othersAlive();
  }
  for (const pid of left) signal(pid, "SIGKILL");
  const killDeadline = Date.now() + 5000;
  while (othersAlive().length && Date.now() < killDeadline) {
    await new Promise((r) => setTimeout(r, 20));
    reaper.reapAll();
  }
  reaper.reapAll();
  return { terminated: first.length, killed: left.length };
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Jobs that ended after `since` because they had to be killed past their stop timeout. */
export function jobsKilledSince(stateDir: string, since: number): number {
  const file = path.join(stateDir, "hero_proc.db");
  if (!fs.existsSync(file)) return 0;
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare(
      "SELECT count(*) AS n FROM jobs WHERE ended_at >= ? AND reason LIKE 'did not stop within %'",
    ).get(since) as { n: number };
    return Number(row.n);
  } finally {
    db.close();
  }
}

/** What hero_proc does as PID 1 around a running daemon. */
export interface Init {
  reaper: OrphanReaper;
  /** True once SIGTERM/SIGINT arrived, also before the daemon's own handlers were installed. */
  readonly stopRequested: boolean;
  /** Call once the daemon has closed: ends strays, reaps, returns the exit code. */
  finish(opts: { stateDir: string; stoppingSince: number | undefined }): Promise<number>;
}

/**
 * Starts init duties when this process is PID 1, else returns undefined (ending "every other
 * process" is only right inside a PID namespace of our own).
 */
export function startInit(opts: { straysTimeoutMs?: number } = {}): Init | undefined {
  if (process.pid !== 1) return undefined;
  const reaper = new OrphanReaper();
  // The kernel drops signals that PID 1 has no handler for: without these, a stop sent while
  // hero_proc is still opening its store would be lost.
  let stopRequested = false;
  const onStop = () => (stopRequested = true);
  process.on("SIGTERM", onStop);
  process.on("SIGINT", onStop);
  return {
    reaper,
    get stopRequested() {
      return stopRequested;
    },
    async finish(o): Promise<number> {
      const strays = await endStrays(reaper, opts.straysTimeoutMs ?? 5000);
      reaper.stop();
      process.off("SIGTERM", onStop);
      process.off("SIGINT", onStop);
      const killed = jobsKilledSince(o.stateDir, o.stoppingSince ?? Date.now()) + strays.killed;
      if (strays.terminated) {
        console.error(
          `hero_proc: ended ${strays.terminated} process(es) left outside any service` +
            (strays.killed ? ` (${strays.killed} needed SIGKILL)` : ""),
        );
      }
      console.error(
        `hero_proc: stopped (exit ${killed ? INIT_EXIT.killed : INIT_EXIT.clean}); ` +
          `reaped ${reaper.reaped} orphan(s)`,
      );
      return killed ? INIT_EXIT.killed : INIT_EXIT.clean;
    },
  };
}
