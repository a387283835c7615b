/**
 * The supervisor: the registry of services and their action runners, dependency-ordered start
 * (a dependent starts only when what it needs is ready), reverse-ordered stop (dependents
 * first), `requires` propagation, declarative reload, and crash recovery at open.
 */
import { HeroError } from "@hero/sdk";
import {
  buildActionGraph,
  dependentClosure,
  requiredClosure,
  validateGraph,
} from "../model/graph.ts";
import { type FileError, type FilePlan, planFileServices } from "../config/file_services.ts";
import type { ServiceSource, ServiceSpec } from "../model/spec.ts";
import { validateService } from "../model/validate_service.ts";
import type { LogSink } from "../logs/capture/log_sink.ts";
import { LogStore } from "../logs/log_store.ts";
import { logStoreOptions } from "../logs/store/log_config.ts";
import { Store } from "../store/store.ts";
import { Cgroups, type ContainmentInfo } from "../cgroup/cgroups.ts";
import { ActionRunner, type RunnerHost } from "./action_runner.ts";
import { AdhocJobs } from "./adhoc_jobs.ts";
import { type JobContext, JobProcess } from "./job_process.ts";
import { recoverAfterCrash, type RecoveryReport } from "./recovery.ts";
import { closestName } from "./closest_name.ts";
import fs from "node:fs";
import path from "node:path";
import type { JobRecord } from "../model/spec.ts";
import { isAlive } from "./proc_table.ts";
import { jobFiles } from "./shim_child.ts";
import { shimBinary, shimProblem } from "./shim_binary.ts";
import { ShimSpawner } from "./shim_spawner.ts";
import { parseSize } from "../model/limits.ts";
import process from "node:process";

/** Where the supervisor keeps and reads its state. */
export interface SupervisorOptions {
  /** Directory of the SQLite database. */
  stateDir: string;
  /** Directory of declarative `*.toml` services (optional). */
  configDir?: string;
  /**
   * Where captured output goes (the daemon passes its log store); by default a log store of
   * its own in `<stateDir>/logs.db`, configured from `env` like the daemon's.
   */
  sink?: LogSink;
  /** Environment read for settings (`HERO_PROC_CGROUPS=off` forces process-group mode). */
  env?: Record<string, string | undefined>;
}

/** How often finished jobs beyond the history limit are deleted. */
const HISTORY_EVERY_MS = 10 * 60_000;

/** Service names added, updated and removed by a reload, and the files left out. */
type Changes = { added: string[]; updated: string[]; removed: string[]; errors: FileError[] };

interface ServiceEntry {
  spec: ServiceSpec;
  source: ServiceSource;
}

/** Supervises services and ad-hoc jobs. */
export class Supervisor implements RunnerHost {
  /** Shared job dependencies. */
  readonly ctx: JobContext;
  /** Ad-hoc jobs. */
  readonly jobs: AdhocJobs;
  /** What crash recovery did at open. */
  recovery: RecoveryReport = { adopted: [], closedJobs: [], stoppedPids: [], stopMs: 0 };
  /** The hero_shim binary jobs run under, or why there is none. */
  shim: { path: string | null; problem: string | null };
  /** How jobs are contained: cgroups, or process groups and tags (fallback). */
  containment: ContainmentInfo;
  /** The TOML files that could not be loaded at the last load, each with its reason. */
  configErrors: FileError[] = [];
  readonly #opts: SupervisorOptions;
  readonly #services = new Map<string, ServiceEntry>();
  readonly #runners = new Map<string, ActionRunner>();
  #deps = new Map<string, string[]>();
  #reconcileQueued = false;
  #closed?: Promise<void>;
  #drains: Promise<void> = Promise.resolve();
  #historyTimer?: ReturnType<typeof setInterval>;
  #stopped?: Promise<{ survivors: number[] }>;

  private constructor(opts: SupervisorOptions, store: Store) {
    this.#opts = opts;
    const { cgroups, info } = Cgroups.open(store.instanceId, opts.env);
    this.containment = info;
    const shim = shimBinary(opts.env);
    this.shim = { path: shim ?? null, problem: shim ? null : shimProblem() ?? "turned off" };
    this.ctx = {
      store,
      sink: opts.sink ?? new LogStore(logStoreOptions(opts.stateDir, opts.env ?? process.env)),
      cgroups,
      survivors: [],
      shim,
      spawner: shim ? new ShimSpawner(shim) : undefined,
      jobsDir: path.join(opts.stateDir, "jobs"),
      reclaimBytes: parseSize((opts.env ?? process.env).HERO_PROC_OUTPUT_RECLAIM),
    };
    this.jobs = new AdhocJobs(this.ctx);
  }

  /**
   * Opens the store, loads services, recovers from a crash or an upgrade — adopting the
   * actions a previous daemon left running under hero_shim, stopping anything else it left —
   * and starts the wanted services that do not run.
   */
  static async open(opts: SupervisorOptions): Promise<Supervisor> {
    const sup = new Supervisor(opts, new Store(opts.stateDir));
    for (const s of sup.ctx.store.listServices()) sup.#services.set(s.spec.name, s);
    // Bad files are left out and reported (configErrors) until fixed; the good ones load.
    sup.#recordFilesAtOpen();
    sup.#rebuild();
    const wanted = new Set(
      sup.ctx.store.listServices().filter((s) => s.desired === "up").map((s) => s.spec.name),
    );
    sup.recovery = await recoverAfterCrash(
      sup.ctx.store,
      sup.ctx.cgroups,
      (job) => sup.#adoptable(job, wanted),
    );
    for (const job of sup.recovery.adopted) {
      sup.#runners.get(`${job.service}.${job.action}`)!.adopt(job);
    }
    sup.#drainStaleJobFiles();
    sup.#pruneHistory();
    sup.#historyTimer = setInterval(() => sup.#pruneHistory(), HISTORY_EVERY_MS);
    sup.#historyTimer.unref();
    for (const name of wanted) sup.#startOne(name);
    return sup;
  }

  /** A job left by a previous daemon that this one can take over. */
  #adoptable(job: JobRecord, wanted: Set<string>): boolean {
    if (!this.ctx.jobsDir || job.shim_pid === null || job.pid === null) return false;
    if (!wanted.has(job.service) || !this.#runners.has(`${job.service}.${job.action}`)) {
      return false;
    }
    const ended = fs.existsSync(jobFiles(this.ctx.jobsDir, job.id).exit);
    // Without the shim's start time a live pid could be another process that reused it.
    return ended || (job.shim_start !== null && isAlive(job.shim_pid, job.shim_start));
  }

  /**
   * Output directories of jobs that are over (left by a crash between a job's end and the
   * commit of its last lines): what they hold beyond the committed offsets is stored, then
   * they go. Offsets of jobs without files go too.
   */
  #drainStaleJobFiles(): void {
    const dir = this.ctx.jobsDir!;
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch { /* no jobs yet */ }
    const keep = new Set(this.recovery.adopted.map((j) => j.id));
    const drains: Promise<void>[] = [];
    for (const n of names) {
      const job = /^\d+$/.test(n) ? this.store.getJob(Number(n)) : undefined;
      if (job && keep.has(job.id)) continue;
      if (!job) {
        fs.rmSync(path.join(dir, n), { recursive: true, force: true });
        continue;
      }
      keep.add(job.id);
      drains.push(
        JobProcess.drain(this.ctx, job).catch((err) => {
          console.error(`hero_proc: cannot read the output left by job ${job.id}: ${err}`);
        }),
      );
    }
    this.#drains = Promise.all(drains).then(() => {});
    const stale = this.ctx.sink.offsetJobs().filter((id) => !keep.has(id));
    if (stale.length) this.ctx.sink.forget(stale);
  }

  /** Keeps the newest HERO_PROC_JOB_HISTORY finished jobs of each action (default 1000). */
  #pruneHistory(): void {
    const keep = Number((this.#opts.env ?? process.env).HERO_PROC_JOB_HISTORY || 1000);
    const pruned = this.store.pruneJobs(keep > 0 ? keep : 1000);
    if (pruned.length) this.ctx.sink.forget(pruned);
  }

  /** The store. */
  get store(): Store {
    return this.ctx.store;
  }

  /** All service definitions, by name. */
  services(): ServiceEntry[] {
    // Plain code-unit order: names are [a-z0-9_], and localeCompare would load ICU collation data.
    return [...this.#services.values()].sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
  }

  /** One service, or a NOT_FOUND error suggesting the closest name. */
  service(name: string): ServiceEntry {
    const s = this.#services.get(name);
    if (!s) {
      const hint = closestName(name, [...this.#services.keys()]);
      throw new HeroError(
        "SERVICE_NOT_FOUND",
        `Unknown service "${name}"${hint ? `; did you mean "${hint}"?` : ""}`,
        { details: { name, ...(hint ? { suggestion: hint } : {}) } },
      );
    }
    return s;
  }

  /** The runners of a service, in definition order. */
  runners(name: string): ActionRunner[] {
    return this.service(name).spec.actions.map((a) => this.#runners.get(`${name}.${a.name}`)!);
  }

  /** Adds or replaces a service; a running service whose definition changed is restarted. */
  async setService(
    input: unknown,
    source: ServiceSource = "rpc",
  ): Promise<{ created: boolean; spec: ServiceSpec }> {
    this.#assertOpen();
    const spec = validateService(input);
    const old = this.#services.get(spec.name);
    if (old?.source === "file" && source === "rpc") {
      throw new HeroError(
        "SERVICE_FROM_FILE",
        `Cannot change service "${spec.name}": it is defined in a TOML file; edit the file and reload`,
      );
    }
    const next = new Map(this.#services);
    next.set(spec.name, { spec, source });
    validateGraph([...next.values()].map((e) => e.spec));
    const changed = !old || JSON.stringify(old.spec) !== JSON.stringify(spec);
    const wasActive = old ? this.runners(spec.name).some((r) => r.active) : false;
    if (old && changed && wasActive) await this.stopService(spec.name, { dependents: false });
    this.store.putService(spec, source, old ? undefined : spec.autostart ? "up" : "down");
    this.#services.set(spec.name, { spec, source });
    this.#rebuild();
    if ((!old && spec.autostart) || (old && changed && wasActive)) this.startService(spec.name);
    return { created: !old, spec };
  }

  /** Stops and deletes a service; refuses while other services require it. */
  async removeService(name: string): Promise<void> {
    this.#assertOpen();
    this.service(name);
    const others = [...this.#services.values()].filter((e) =>
      e.spec.name !== name &&
      (e.spec.requires.includes(name) || e.spec.after.includes(name) ||
        e.spec.actions.some((a) => a.depends_on.some((d) => d.startsWith(`${name}.`))))
    );
    if (others.length) {
      throw new HeroError(
        "SERVICE_IN_USE",
        `Cannot remove "${name}": ${
          others.map((o) => `"${o.spec.name}"`).join(", ")
        } depend(s) on it`,
      );
    }
    await this.stopService(name);
    this.store.removeService(name);
    this.#services.delete(name);
    this.#rebuild();
  }

  /** Starts a service and everything it requires. */
  startService(name: string): void {
    this.#assertOpen();
    this.service(name);
    for (const n of requiredClosure(this.#specs(), name)) {
      this.store.setDesired(n, "up");
      this.#startOne(n);
    }
  }

  /** Stops a service after every service that requires it; resolves when all groups are gone. */
  async stopService(name: string, opts: { dependents?: boolean } = {}): Promise<void> {
    this.service(name);
    const names = [name];
    if (opts.dependents !== false) {
      for (const d of dependentClosure(this.#specs(), name)) {
        if (this.runners(d).some((r) => r.active || r.desired)) names.push(d);
      }
    }
    for (const n of names) this.store.setDesired(n, "down");
    await this.#stopRunners(names.flatMap((n) => this.runners(n)));
  }

  /** Stops then starts a service. */
  async restartService(name: string): Promise<void> {
    await this.stopService(name, { dependents: false });
    this.startService(name);
  }

  /** Waits until every action of a service is ready, or one failed, or the time is up. */
  async waitReady(name: string, timeoutMs: number): Promise<"ready" | "failed" | "timeout"> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runners = this.runners(name);
      if (runners.some((r) => r.state === "failed")) return "failed";
      if (runners.every((r) => r.ready)) return "ready";
      if (Date.now() >= deadline) return "timeout";
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends a signal to the running process groups of a service; returns how many were signalled. */
  kill(name: string, signal: string, action?: string): number {
    const runners = this.runners(name).filter((r) => !action || r.spec.name === action);
    if (action && !runners.length) {
      throw new HeroError("ACTION_NOT_FOUND", `Service "${name}" has no action "${action}"`);
    }
    return runners.filter((r) => r.kill(signal)).length;
  }

  /** One action's runner, or ACTION_NOT_FOUND. */
  runner(service: string, action: string): ActionRunner {
    const r = this.runners(service).find((x) => x.spec.name === action);
    if (!r) {
      throw new HeroError("ACTION_NOT_FOUND", `Service "${service}" has no action "${action}"`, {
        details: { service, action },
      });
    }
    return r;
  }

  /** Starts one action and the actions it depends on (transitively). */
  startAction(service: string, action: string): void {
    this.#assertOpen();
    const seen = new Set<string>();
    const walk = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      const r = this.#runners.get(key);
      if (!r) return;
      for (const dep of r.spec.depends_on) walk(dep);
      r.start();
    };
    walk(this.runner(service, action).key);
  }

  /** Stops one action after the actions that depend on it (transitively). */
  async stopAction(service: string, action: string): Promise<void> {
    const root = this.runner(service, action);
    const set = new Set<ActionRunner>([root]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of this.#runners.values()) {
        if (set.has(r) || !(r.active || r.desired)) continue;
        if ((this.#deps.get(r.key) ?? []).some((d) => [...set].some((x) => x.key === d))) {
          set.add(r);
          grew = true;
        }
      }
    }
    await this.#stopRunners([...set]);
  }

  /** Re-reads the TOML directory: adds, updates and removes file-defined services. */
  async reload(): Promise<Changes> {
    this.#assertOpen();
    return await this.#applyFiles();
  }

  /**
   * Stops every action (dependents first) and ad-hoc job; refuses new work from then on.
   * Resolves once every job is over, with the pids that outlived SIGKILL (normally none).
   */
  stopAll(): Promise<{ survivors: number[] }> {
    this.#stopped ??= (async () => {
      await Promise.all([this.#stopRunners([...this.#runners.values()]), this.jobs.cancelAll()]);
      return { survivors: [...new Set(this.ctx.survivors)] };
    })();
    return this.#stopped;
  }

  /**
   * Lets go of everything without stopping it (for an upgrade): health checks and restart
   * timers end, output files stay for the next daemon, which adopts the running actions.
   * Ad-hoc jobs are stopped (they are not adopted). Closes the store.
   */
  detach(): Promise<void> {
    this.#closed ??= (async () => {
      this.#stopped = Promise.resolve({ survivors: [] });
      await this.jobs.cancelAll();
      await Promise.all([...this.#runners.values()].map((r) => r.detach()));
      clearInterval(this.#historyTimer);
      await this.#drains;
      this.ctx.spawner?.close();
      this.ctx.sink.close();
      this.store.close();
    })();
    return this.#closed;
  }

  /** Stops everything (see {@link stopAll}) and closes the store; wanted states are kept. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.stopAll();
      clearInterval(this.#historyTimer);
      await this.#drains;
      this.ctx.spawner?.close();
      this.ctx.cgroups?.close();
      this.ctx.sink.close();
      this.store.close();
    })();
    return this.#closed;
  }

  /** RunnerHost: the first dependency of `runner` that is not ready, or undefined. */
  waitingFor(runner: ActionRunner): string | undefined {
    for (const key of this.#deps.get(runner.key) ?? []) {
      const dep = this.#runners.get(key);
      if (!dep) continue;
      // `after` only orders services that are both wanted; `requires` made the dependency wanted.
      if (!dep.desired && !dep.active && dep.state !== "succeeded") continue;
      if (!dep.ready) {
        return `${key} (${dep.state}${dep.state === "running" ? `, ${dep.health}` : ""})`;
      }
    }
    return undefined;
  }

  /** RunnerHost: re-checks waiting actions soon (coalesced). */
  changed(_runner: ActionRunner): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    queueMicrotask(() => {
      this.#reconcileQueued = false;
      for (const r of this.#runners.values()) if (r.state === "waiting_deps") r.poke();
    });
  }

  #startOne(name: string): void {
    for (const r of this.runners(name)) r.start();
  }

  async #stopRunners(set: ActionRunner[]): Promise<void> {
    const inSet = new Set(set);
    const memo = new Map<ActionRunner, Promise<void>>();
    const stopOne = (r: ActionRunner): Promise<void> => {
      let p = memo.get(r);
      if (!p) {
        p = (async () => {
          const dependents = [...inSet].filter((d) => this.#deps.get(d.key)?.includes(r.key));
          await Promise.all(dependents.map(stopOne));
          await r.stop();
        })();
        memo.set(r, p);
      }
      return p;
    };
    await Promise.all(set.map(stopOne));
  }

  #specs(): Map<string, ServiceSpec> {
    return new Map([...this.#services].map(([k, v]) => [k, v.spec]));
  }

  /** Syncs runners with the definitions and recomputes the dependency graph. */
  #rebuild(): void {
    const wanted = new Set<string>();
    for (const { spec } of this.#services.values()) {
      for (const a of spec.actions) {
        const key = `${spec.name}.${a.name}`;
        wanted.add(key);
        const r = this.#runners.get(key);
        if (r) r.update(a);
        else this.#runners.set(key, new ActionRunner(this, spec.name, a));
      }
    }
    for (const [key, r] of this.#runners) {
      if (!wanted.has(key)) {
        void r.stop("removed from the definition");
        this.#runners.delete(key);
      }
    }
    this.#deps = buildActionGraph(this.#specs().values());
  }

  /** The TOML directory against the services known now; also records its errors. */
  #planFiles(): FilePlan | undefined {
    const dir = this.#opts.configDir;
    if (!dir) return undefined;
    const plan = planFileServices(dir, this.#services);
    this.configErrors = plan.errors;
    return plan;
  }

  /** Stores file-defined specs; a new one starts wanted "up" when it autostarts. */
  #recordFiles(files: ServiceSpec[]): void {
    for (const spec of files) {
      const isNew = !this.#services.has(spec.name);
      this.store.putService(spec, "file", isNew ? (spec.autostart ? "up" : "down") : undefined);
      this.#services.set(spec.name, { spec, source: "file" });
    }
  }

  /** At open nothing runs yet, so the definitions are only recorded (no stop, no start). */
  #recordFilesAtOpen(): void {
    const plan = this.#planFiles();
    if (!plan) return;
    for (const name of plan.removed) {
      (this.store.removeService(name), this.#services.delete(name));
    }
    this.#recordFiles(plan.files);
  }

  /**
   * While running: stops removed services, restarts updated ones that were active, and starts
   * added ones that autostart.
   */
  async #applyFiles(): Promise<Changes> {
    const plan = this.#planFiles();
    if (!plan) return { added: [], updated: [], removed: [], errors: [] };
    const { files, ...changes } = plan;
    for (const name of changes.removed) {
      await this.stopService(name);
      this.store.removeService(name);
      this.#services.delete(name);
    }
    const restart: string[] = [];
    for (const name of changes.updated) {
      if (this.runners(name).some((r) => r.active)) {
        await this.stopService(name, { dependents: false });
        restart.push(name);
      }
    }
    this.#recordFiles(files);
    this.#rebuild();
    for (const name of changes.added) {
      if (this.#services.get(name)!.spec.autostart) this.startService(name);
    }
    for (const name of restart) this.startService(name);
    return changes;
  }

  #assertOpen(): void {
    if (this.#closed || this.#stopped) {
      throw new HeroError("SHUTTING_DOWN", "hero_proc is shutting down");
    }
  }
}
