/**
 * hero_proc's cgroup tree: one directory per state directory (`hero_proc.<instance>`) in every
 * usable hierarchy, with one cgroup per job below it (`<service>.<action>.<job id>`, or
 * `job.<job id>` for ad-hoc jobs). Detected at start; where no cgroup can be made, or when
 * `HERO_PROC_CGROUPS=off`, hero_proc falls back to process groups and job tags and says so once.
 */
import fs from "node:fs";
import path from "node:path";
import { type CgroupLayout, detectCgroups } from "./detect.ts";
import { JobCgroup } from "./job_cgroup.ts";

/** What `system.info.containment` reports. */
export interface ContainmentInfo {
  mode: "cgroup" | "process-group";
  /** The instance's cgroup directories. */
  v2: string | null;
  v1: Record<string, string>;
  /** Controllers limits can use: `memory`, `cpu`, `pids`. */
  limits: string[];
  /** Why cgroups are not used (fallback mode), or notes on hierarchies left out. */
  notes: string[];
}

/** The cgroups of one hero_proc instance. */
export class Cgroups {
  readonly layout: CgroupLayout;
  /** `hero_proc.<instance>`. */
  readonly instanceDir: string;

  private constructor(layout: CgroupLayout, instanceId: string) {
    this.layout = layout;
    this.instanceDir = `hero_proc.${instanceId}`;
  }

  /**
   * Detects the hierarchies and makes the instance directories; undefined (fallback) when there
   * is no writable v2 tree and no v1 hierarchy, or when `env.HERO_PROC_CGROUPS` is `off`.
   */
  static open(
    instanceId: string,
    env: Record<string, string | undefined> = process.env,
  ): { cgroups?: Cgroups; info: ContainmentInfo } {
    const off = /^(off|0|false|no|none)$/i.test(env.HERO_PROC_CGROUPS ?? "");
    const layout = off
      ? { v2Controllers: [], v1: {}, notes: ["turned off by HERO_PROC_CGROUPS=off"] }
      : detectCgroups();
    const usable = layout.v2 !== undefined || Object.keys(layout.v1).length > 0;
    if (!usable) {
      return {
        info: {
          mode: "process-group",
          v2: null,
          v1: {},
          limits: [],
          notes: layout.notes.length ? layout.notes : ["no writable cgroup hierarchy"],
        },
      };
    }
    const cg = new Cgroups(layout, instanceId);
    for (const base of cg.#bases()) {
      fs.mkdirSync(path.join(base, cg.instanceDir), { recursive: true });
    }
    if (layout.v2 && layout.v2Controllers.length) {
      const sub = path.join(layout.v2, cg.instanceDir, "cgroup.subtree_control");
      for (const c of layout.v2Controllers) {
        try {
          fs.writeFileSync(sub, `+${c}`);
        } catch { /* already on, or not offered */ }
      }
    }
    return { cgroups: cg, info: cg.info() };
  }

  /** The containment report. */
  info(): ContainmentInfo {
    const l = this.layout;
    const limits = new Set(l.v2Controllers.filter((c) => c !== "cpuacct"));
    for (const c of ["memory", "pids", "cpu"]) if (c in l.v1) limits.add(c);
    return {
      mode: "cgroup",
      v2: l.v2 ? path.join(l.v2, this.instanceDir) : null,
      v1: Object.fromEntries(
        Object.entries(l.v1).map(([c, d]) => [c, path.join(d, this.instanceDir)]),
      ),
      limits: [...limits].sort(),
      notes: l.notes,
    };
  }

  /** The cgroup of job `jobId` (not yet made: call `create`). */
  job(jobId: number, service = "", action = ""): JobCgroup {
    return new JobCgroup(this.layout, this.instanceDir, cgroupName(jobId, service, action));
  }

  /** Job cgroups that exist now (leftovers after a crash), with their job ids. */
  existing(): { jobId: number; cgroup: JobCgroup }[] {
    const names = new Set<string>();
    for (const base of this.#bases()) {
      try {
        for (
          const e of fs.readdirSync(path.join(base, this.instanceDir), { withFileTypes: true })
        ) {
          if (e.isDirectory()) names.add(e.name);
        }
      } catch { /* gone */ }
    }
    const out: { jobId: number; cgroup: JobCgroup }[] = [];
    for (const name of names) {
      const id = jobIdOf(name);
      if (id !== undefined) {
        out.push({ jobId: id, cgroup: new JobCgroup(this.layout, this.instanceDir, name) });
      }
    }
    return out;
  }

  /** Removes the instance directories if empty (clean shutdown). */
  close(): void {
    for (const base of this.#bases()) {
      try {
        fs.rmdirSync(path.join(base, this.instanceDir));
      } catch { /* not empty, or gone */ }
    }
  }

  #bases(): string[] {
    const l = this.layout;
    return [l.v2, ...Object.values(l.v1)].filter((d): d is string => !!d);
  }
}

/** `<service>.<action>.<job id>`, or `job.<job id>` for an ad-hoc job. */
export function cgroupName(jobId: number, service: string, action: string): string {
  return service ? `${service}.${action}.${jobId}` : `job.${jobId}`;
}

/** The job id in a cgroup name, or undefined for a foreign directory. */
export function jobIdOf(name: string): number | undefined {
  const m = /^(?:[a-z0-9_]+\.[a-z0-9_]+|job)\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
