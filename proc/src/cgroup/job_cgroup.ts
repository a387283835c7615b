/**
 * One job's control group, made in every usable hierarchy (v2 for tracking and `cgroup.kill`,
 * v1 memory/pids/cpu where those hold the controllers): who is in it, whether it is empty,
 * killing everything in it, its limits, its CPU and memory, and whether the kernel's OOM killer
 * acted on it. Every process a job forks stays in it: setsid, double fork and a scrubbed
 * environment do not leave a cgroup.
 */
import fs from "node:fs";
import path from "node:path";
import type { CgroupLayout } from "./detect.ts";
import type { Limits } from "../model/limits.ts";

/** CPU and memory of a cgroup. */
export interface CgroupUsage {
  /** CPU time used, microseconds. */
  cpuUsec: number | null;
  /** Memory charged to the cgroup, bytes. */
  memoryBytes: number | null;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The value of `key` in a flat-keyed file (`key value` lines), or undefined. */
function keyed(text: string | undefined, key: string): number | undefined {
  if (!text) return undefined;
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A job's cgroup across hierarchies. */
export class JobCgroup {
  /** The name (the same in every hierarchy). */
  readonly name: string;
  readonly #layout: CgroupLayout;
  readonly #dirs: { v2?: string; memory?: string; pids?: string; cpu?: string; cpuacct?: string };

  /** Paths of `name` under the instance directory `instance` of each hierarchy. */
  constructor(layout: CgroupLayout, instance: string, name: string) {
    this.name = name;
    this.#layout = layout;
    const under = (base?: string) => base && path.join(base, instance, name);
    this.#dirs = {
      v2: under(layout.v2),
      memory: under(layout.v1.memory),
      pids: under(layout.v1.pids),
      cpu: under(layout.v1.cpu),
      cpuacct: under(layout.v1.cpuacct),
    };
  }

  /** Every directory of this cgroup. */
  get dirs(): string[] {
    return Object.values(this.#dirs).filter((d): d is string => !!d);
  }

  /** The `cgroup.procs` files a new process writes itself into (before it execs). */
  get procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, "cgroup.procs"));
  }

  /** Makes the directories and applies `limits`; throws a readable error if one fails. */
  create(limits?: Limits): void {
    for (const d of this.dirs) fs.mkdirSync(d, { recursive: true });
    if (limits) this.#applyLimits(limits);
  }

  /** True when the directories exist (a leftover found after a crash). */
  exists(): boolean {
    return this.dirs.some((d) => fs.existsSync(d));
  }

  /** Pids of the live processes in the cgroup (every hierarchy, so nothing hides in one). */
  members(): number[] {
    const pids = new Set<number>();
    for (const f of this.procsFiles) {
      for (const s of (read(f) ?? "").split("\n")) if (s) pids.add(Number(s));
    }
    return [...pids];
  }

  /** True while any process is in the cgroup. */
  populated(): boolean {
    if (this.#dirs.v2) {
      const ev = read(path.join(this.#dirs.v2, "cgroup.events"));
      if (ev !== undefined) return keyed(ev, "populated") === 1;
    }
    return this.members().length > 0;
  }

  /** SIGKILLs every process in the cgroup at once (`cgroup.kill`), or each member (v1). */
  kill(): void {
    if (this.#dirs.v2) {
      try {
        fs.writeFileSync(path.join(this.#dirs.v2, "cgroup.kill"), "1");
        return;
      } catch { /* kernel < 5.14: signal each member */ }
    }
    for (const pid of this.members()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
  }

  /** CPU time and memory, from the cgroup's own accounting. */
  usage(): CgroupUsage {
    let cpuUsec: number | null = null;
    const stat = this.#dirs.v2 && read(path.join(this.#dirs.v2, "cpu.stat"));
    const v2cpu = keyed(stat || undefined, "usage_usec");
    if (v2cpu !== undefined) cpuUsec = v2cpu;
    else if (this.#dirs.cpuacct) {
      const ns = read(path.join(this.#dirs.cpuacct, "cpuacct.usage"));
      if (ns) cpuUsec = Math.round(Number(ns) / 1000);
    }
    let memoryBytes: number | null = null;
    if (this.#layout.v2Controllers.includes("memory") && this.#dirs.v2) {
      const cur = read(path.join(this.#dirs.v2, "memory.current"));
      if (cur) memoryBytes = Number(cur);
    } else if (this.#dirs.memory) {
      // usage_in_bytes counts page cache too; rss + mapped files is what a process "uses".
      const st = read(path.join(this.#dirs.memory, "memory.stat"));
      const rss = keyed(st, "total_rss") ?? keyed(st, "rss");
      if (rss !== undefined) memoryBytes = rss + (keyed(st, "total_mapped_file") ?? 0);
    }
    return { cpuUsec, memoryBytes };
  }

  /** How many processes the kernel's OOM killer killed in this cgroup (its memory limit). */
  oomKills(): number {
    if (this.#layout.v2Controllers.includes("memory") && this.#dirs.v2) {
      return keyed(read(path.join(this.#dirs.v2, "memory.events")), "oom_kill") ?? 0;
    }
    if (this.#dirs.memory) {
      return keyed(read(path.join(this.#dirs.memory, "memory.oom_control")), "oom_kill") ?? 0;
    }
    return 0;
  }

  /** Removes the (empty) directories; true when none is left. */
  remove(): boolean {
    let ok = true;
    for (const d of this.dirs) {
      try {
        fs.rmdirSync(d);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") ok = false;
      }
    }
    return ok;
  }

  #applyLimits(l: Limits): void {
    const v2 = this.#dirs.v2;
    const c2 = this.#layout.v2Controllers;
    const write = (dir: string | undefined, file: string, value: string, what: string) => {
      if (!dir) throw new Error(`no ${what} controller is available for the ${what} limit`);
      try {
        fs.writeFileSync(path.join(dir, file), value);
      } catch (err) {
        throw new Error(`cannot set ${what} limit (${file} = ${value}): ${(err as Error).message}`);
      }
    };
    if (l.memory_bytes !== undefined) {
      if (c2.includes("memory")) {
        write(v2, "memory.max", String(l.memory_bytes), "memory");
        write(v2, "memory.swap.max", "0", "memory");
      } else {
        write(this.#dirs.memory, "memory.limit_in_bytes", String(l.memory_bytes), "memory");
        // Without this the limit would page out to swap instead of stopping the process.
        try {
          fs.writeFileSync(path.join(this.#dirs.memory!, "memory.swappiness"), "0");
          fs.writeFileSync(
            path.join(this.#dirs.memory!, "memory.memsw.limit_in_bytes"),
            String(l.memory_bytes),
          );
        } catch { /* no swap accounting: the limit still holds for resident memory */ }
      }
    }
    if (l.pids !== undefined) {
      if (c2.includes("pids")) write(v2, "pids.max", String(l.pids), "pids");
      else write(this.#dirs.pids, "pids.max", String(l.pids), "pids");
    }
    if (l.cpu_percent !== undefined) {
      const period = 100_000;
      const quota = Math.max(1000, Math.round(period * l.cpu_percent / 100));
      if (c2.includes("cpu")) write(v2, "cpu.max", `${quota} ${period}`, "cpu");
      else {
        write(this.#dirs.cpu, "cpu.cfs_period_us", String(period), "cpu");
        write(this.#dirs.cpu, "cpu.cfs_quota_us", String(quota), "cpu");
      }
    }
  }
}
