/**
 * Finding the control groups hero_proc may use: the cgroup v2 hierarchy (tracking, `cgroup.kill`,
 * `cgroup.events`, and the controllers delegated to it) and cgroup v1 controller hierarchies
 * (memory, pids, cpu) where those are what the machine has. Each is used below the process's own
 * cgroup (from `/proc/self/cgroup`), so a systemd-delegated subtree works as well as a writable
 * root; a hierarchy is kept only if a directory can really be made there.
 */
import fs from "node:fs";
import path from "node:path";

/** A v1 controller hero_proc can use. */
export type V1Controller = "memory" | "pids" | "cpu" | "cpuacct";

/** Where hero_proc can make cgroups. */
export interface CgroupLayout {
  /** The v2 directory below which job cgroups go (own cgroup), or undefined. */
  v2?: string;
  /** Controllers enabled for children in the v2 tree (`memory`, `pids`, `cpu`). */
  v2Controllers: string[];
  /** v1 hierarchies by controller: the directory below which job cgroups go. */
  v1: Partial<Record<V1Controller, string>>;
  /** Why a hierarchy was not used (one line each). */
  notes: string[];
}

interface Mount {
  dir: string;
  type: "cgroup" | "cgroup2";
  controllers: string[];
}

/** Parses `/proc/self/mountinfo` for cgroup mounts. */
export function cgroupMounts(mountinfo: string): Mount[] {
  const out: Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const [type, , superOpts = ""] = line.slice(sep + 3).split(" ");
    if (type !== "cgroup" && type !== "cgroup2") continue;
    const dir = line.slice(0, sep).split(" ")[4].replace(/\\040/g, " ");
    out.push({ dir, type, controllers: type === "cgroup" ? superOpts.split(",") : [] });
  }
  return out;
}

/** Parses `/proc/self/cgroup`: hierarchy key (`""` for v2, else the controller list) to path. */
export function ownCgroups(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** Reads a file, or undefined. */
function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** True when `dir` takes a new subdirectory (made and removed again). */
function canMake(dir: string): boolean {
  const probe = path.join(dir, `hero_proc.probe.${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/**
 * Detects the usable hierarchies. With controllers available in a v2 subtree that still holds
 * processes (a delegated service cgroup), hero_proc moves itself into a `supervisor` leaf so the
 * controllers can be enabled for its job cgroups (the cgroup v2 "no internal processes" rule).
 */
export function detectCgroups(procRoot = "/proc"): CgroupLayout {
  const layout: CgroupLayout = { v2Controllers: [], v1: {}, notes: [] };
  const mounts = cgroupMounts(read(`${procRoot}/self/mountinfo`) ?? "");
  const own = ownCgroups(read(`${procRoot}/self/cgroup`) ?? "");
  if (!mounts.length) {
    layout.notes.push("no cgroup file system is mounted");
    return layout;
  }
  const v2 = mounts.find((m) => m.type === "cgroup2");
  const v2Path = own.get("");
  if (v2 && v2Path !== undefined) {
    const dir = path.join(v2.dir, v2Path);
    if (canMake(dir)) {
      layout.v2 = dir;
      layout.v2Controllers = enableV2Controllers(dir, v2Path === "/");
    } else layout.notes.push(`cgroup v2 at ${dir} is not writable (not delegated)`);
  }
  for (const c of ["memory", "pids", "cpu", "cpuacct"] as V1Controller[]) {
    if (layout.v2Controllers.includes(c === "cpuacct" ? "cpu" : c)) continue;
    const m = mounts.find((x) => x.type === "cgroup" && x.controllers.includes(c));
    if (!m) continue;
    const key = [...own.keys()].find((k) => k.split(",").includes(c));
    const dir = path.join(m.dir, key === undefined ? "/" : own.get(key)!);
    if (canMake(dir)) layout.v1[c] = dir;
    else layout.notes.push(`cgroup v1 ${c} at ${dir} is not writable`);
  }
  return layout;
}

/** Enables memory/pids/cpu for children of `dir` where the kernel offers them there. */
function enableV2Controllers(dir: string, isRoot: boolean): string[] {
  const offered = (read(path.join(dir, "cgroup.controllers")) ?? "").trim().split(/\s+/)
    .filter((c) => ["memory", "pids", "cpu"].includes(c));
  if (!offered.length) return [];
  if (!isRoot) {
    // Processes in `dir` forbid enabling controllers for its children: leave for a leaf.
    const leaf = path.join(dir, "hero_proc.supervisor");
    try {
      fs.mkdirSync(leaf, { recursive: true });
      fs.writeFileSync(path.join(leaf, "cgroup.procs"), String(process.pid));
    } catch {
      return [];
    }
  }
  const enabled: string[] = [];
  for (const c of offered) {
    try {
      fs.writeFileSync(path.join(dir, "cgroup.subtree_control"), `+${c}`);
      enabled.push(c);
    } catch { /* busy (other processes in dir) or not delegated: tracking still works */ }
  }
  return enabled;
}
