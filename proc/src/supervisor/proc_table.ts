/**
 * What the kernel says about processes, read from `/proc`: parent, group, session, state,
 * start time (to recognise a pid after a restart), CPU ticks and memory.
 */
import fs from "node:fs";

/** One process as seen in `/proc/<pid>/stat`. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** `R`, `S`, `Z`, ... */
  state: string;
  comm: string;
  /** Start time in clock ticks since boot (field 22). */
  startTime: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  /** Resident set size in bytes. */
  rssBytes: number;
}

const PAGE_SIZE = 4096;

/** Reads one process, or undefined when it does not exist (any more). */
export function readProc(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const f = text.slice(close + 2).split(" ");
  return {
    pid,
    comm: text.slice(text.indexOf("(") + 1, close),
    state: f[0],
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    cpuTicks: Number(f[11]) + Number(f[12]),
    startTime: Number(f[19]),
    rssBytes: Number(f[21]) * PAGE_SIZE,
  };
}

/** True when the process is gone or only a zombie waiting to be reaped. */
export function isDead(p: ProcInfo | undefined): boolean {
  return !p || p.state === "Z" || p.state === "X";
}

/** True when `pid` is alive and, if given, started at `startTime` (not a reused pid). */
export function isAlive(pid: number, startTime?: number | null): boolean {
  const p = readProc(pid);
  if (isDead(p)) return false;
  return startTime === undefined || startTime === null || p!.startTime === startTime;
}

/** The value of environment variable `name` a process started with, or undefined. */
export function processEnvValue(pid: number, name: string): string | undefined {
  let env: string;
  try {
    env = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
  } catch {
    return undefined;
  }
  const key = `${name}=`;
  for (const entry of env.split("\0")) if (entry.startsWith(key)) return entry.slice(key.length);
  return undefined;
}

/** Time since boot in clock ticks (the unit of {@link ProcInfo.startTime}). */
export function uptimeTicks(): number {
  try {
    return Math.floor(Number(fs.readFileSync("/proc/uptime", "latin1").split(" ")[0]) * 100);
  } catch {
    return 0;
  }
}

/**
 * True while any thread of process `pid` still runs. A process killed with SIGKILL shows its
 * leader as a zombie at once, but holds its files (sockets, locks) until its last thread has
 * left the kernel — a thread in the middle of an fsync can take a while.
 */
export function anyThreadAlive(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  for (const t of tasks) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "latin1");
    } catch {
      continue;
    }
    const state = stat[stat.lastIndexOf(")") + 2];
    if (state !== "Z" && state !== "X") return true;
  }
  return false;
}
