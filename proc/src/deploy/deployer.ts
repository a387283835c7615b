/**
 * `hero_proc deploy`: a commit of a git repository becomes a service's running release.
 * Mirror -> detached worktree per commit -> build as a tracked job -> shared/ linked -> `current`
 * switched atomically -> the service restarted there -> healthy, or switched back and the
 * previous release restarted. One deploy or rollback per service at a time: a second one is
 * refused with the one under way named. Deploys run in the background; callers poll by id.
 */
import { HeroError } from "@hero/sdk";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { DeployLayout } from "./deploy_layout.ts";
import { DeployHistory, type DeployRecord, FINAL_DEPLOY_STATES } from "./deploy_history.ts";
import { addWorktree, removeWorktree, resolveRef, syncMirror } from "./git.ts";
import { pruneReleases } from "./prune.ts";
import { activate } from "./release_switch.ts";
import { checkDeployable } from "./service_restart.ts";

/** What `deploy` takes. */
export interface DeployRequest {
  service: string;
  /** A path or URL git can clone. */
  repo: string;
  /** Branch, tag or commit (default HEAD of the repository). */
  ref?: string;
  /** Shell command run in the release before the switch. */
  build?: string;
  /** Releases kept on disk, the live one included (default 5). */
  keep?: number;
  /** How long the new release may take to become healthy (default 60 s). */
  health_timeout_ms?: number;
  /** Build time limit (default 30 min). */
  build_timeout_ms?: number;
}

/** Runs deploys and rollbacks of the supervisor's services. */
export class Deployer {
  readonly root: string;
  /** How long actions without a health check must stay up to count as healthy. */
  settleMs = 2000;
  readonly #sup: () => Supervisor;
  readonly #busy = new Map<string, { rec: DeployRecord; done: Promise<DeployRecord> }>();

  /** Deploys under `root` (see deploy_layout.ts). */
  constructor(sup: () => Supervisor, root: string) {
    this.#sup = sup;
    this.root = root;
  }

  /** The layout of a service (its name checked: it becomes a directory name). */
  layout(service: string): DeployLayout {
    if (!/^[a-z0-9_]+$/.test(service)) {
      throw new HeroError("VALIDATION_FAILED", `Invalid service name "${service}"`);
    }
    return new DeployLayout(this.root, service);
  }

  /** The service's history, with records of an earlier run closed as interrupted. */
  history(service: string): DeployHistory {
    const history = new DeployHistory(this.layout(service).history);
    if (!this.#busy.has(service)) history.closeInterrupted();
    return history;
  }

  /** Starts a deploy; resolves with its record once it is under way. */
  start(req: DeployRequest): DeployRecord {
    const layout = this.layout(req.service);
    checkDeployable(this.#sup(), req.service, layout.current);
    if (!req.repo) throw new HeroError("VALIDATION_FAILED", "Give the repository to deploy from");
    const previous = layout.currentSha();
    return this.#run(req.service, {
      kind: "deploy",
      repo: req.repo,
      ref: req.ref ?? "HEAD",
      sha: null,
      build: req.build ?? null,
      previous,
    }, (rec, history) => this.#deploy(req, rec, history));
  }

  /** Starts a rollback to `sha` (a prefix will do), or to the release live before this one. */
  rollback(service: string, sha?: string): DeployRecord {
    const layout = this.layout(service);
    checkDeployable(this.#sup(), service, layout.current);
    const current = layout.currentSha();
    const onDisk = layout.releasesOnDisk();
    const history = this.history(service);
    let target: string | undefined;
    if (sha) {
      const found = onDisk.filter((s) => s.startsWith(sha));
      if (found.length !== 1) {
        throw new HeroError(
          "DEPLOY_NOT_FOUND",
          `Cannot roll back "${service}" to ${sha}: ${
            found.length ? "the prefix matches several releases" : "no such release on disk"
          } (releases: ${onDisk.map((s) => s.slice(0, 12)).join(", ") || "none"})`,
        );
      }
      target = found[0];
    } else {
      target = history.all().reverse().find((r) =>
        (r.state === "superseded" || r.state === "live") && r.sha && r.sha !== current &&
        onDisk.includes(r.sha)
      )?.sha ?? undefined;
      if (!target) {
        throw new HeroError(
          "DEPLOY_NOT_FOUND",
          `Cannot roll back "${service}": no earlier live release is on disk`,
        );
      }
    }
    return this.#run(service, {
      kind: "rollback",
      repo: null,
      ref: null,
      sha: target,
      build: null,
      previous: current,
    }, (rec, hist) =>
      activate(this.#sup(), this.layout(service), {
        rec,
        history: hist,
        sha: target!,
        timeoutMs: 60_000,
        settleMs: this.settleMs,
      }));
  }

  /** Waits until a deploy is over (or the time is up); resolves its record. */
  async wait(service: string, id: number, timeoutMs = 30 * 60_000): Promise<DeployRecord> {
    const busy = this.#busy.get(service);
    if (busy?.rec.id === id) {
      await Promise.race([busy.done, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    }
    return this.get(service, id);
  }

  /** One record (the latest without an id). */
  get(service: string, id?: number): DeployRecord {
    const all = this.history(service).all();
    const rec = id === undefined ? all.at(-1) : all.find((r) => r.id === id);
    if (!rec) {
      throw new HeroError(
        "DEPLOY_NOT_FOUND",
        id === undefined ? `"${service}" was never deployed` : `No deploy ${id} of "${service}"`,
      );
    }
    return rec;
  }

  /** The deploy under way for a service, if any. */
  busy(service: string): DeployRecord | undefined {
    return this.#busy.get(service)?.rec;
  }

  /** Removes releases beyond the newest `keep` (never the live one); resolves what went. */
  prune(service: string, keep: number): Promise<string[]> {
    if (this.#busy.has(service)) throw this.#busyError(service);
    return pruneReleases(this.layout(service), this.history(service).all(), keep);
  }

  #run(
    service: string,
    fields: Omit<
      DeployRecord,
      "id" | "service" | "state" | "build_job" | "reason" | "started_at" | "ended_at"
    >,
    work: (rec: DeployRecord, history: DeployHistory) => Promise<void>,
  ): DeployRecord {
    if (this.#busy.has(service)) throw this.#busyError(service);
    const history = this.history(service);
    const rec = history.add({
      service,
      state: "fetching",
      build_job: null,
      reason: null,
      ...fields,
    });
    const done = work(rec, history).catch((err) => {
      const cur = history.all().find((r) => r.id === rec.id);
      if (cur && !FINAL_DEPLOY_STATES.includes(cur.state)) {
        history.update(rec.id, { state: "failed", reason: (err as Error).message });
      }
    }).then(() => {
      this.#busy.delete(service);
      return history.all().find((r) => r.id === rec.id)!;
    });
    this.#busy.set(service, { rec, done });
    return rec;
  }

  #busyError(service: string): HeroError {
    const b = this.#busy.get(service)!.rec;
    return new HeroError(
      "DEPLOY_BUSY",
      `Cannot start: ${b.kind} ${b.id} of "${service}"${
        b.sha ? ` (${b.sha.slice(0, 12)})` : ""
      } is under way since ${new Date(b.started_at).toISOString()}; wait for it to finish`,
      { details: { busy: b.id } },
    );
  }

  async #deploy(req: DeployRequest, rec: DeployRecord, history: DeployHistory): Promise<void> {
    const layout = this.layout(req.service);
    await syncMirror(req.repo, layout.mirror);
    const sha = await resolveRef(layout.mirror, req.ref ?? "HEAD");
    history.update(rec.id, { sha });
    const dir = layout.release(sha);
    const isNew = !layout.releasesOnDisk().includes(sha);
    await addWorktree(layout.mirror, dir, sha);
    layout.linkShared(sha);
    if (req.build) {
      const job = await this.#sup().jobs.run({
        command: req.build,
        cwd: dir,
        env: {
          HERO_DEPLOY_SERVICE: req.service,
          HERO_DEPLOY_SHA: sha,
          HERO_RELEASE_DIR: dir,
          HERO_SHARED_DIR: layout.shared,
        },
        timeout_ms: req.build_timeout_ms ?? 30 * 60_000,
      });
      history.update(rec.id, { state: "building", build_job: job.id });
      const end = await this.#sup().jobs.wait(
        job.id,
        (req.build_timeout_ms ?? 30 * 60_000) + 60_000,
      );
      if (end.state !== "succeeded") {
        // Nothing was switched; a release made only for this deploy goes again.
        if (isNew && sha !== layout.currentSha()) await removeWorktree(layout.mirror, dir);
        history.update(rec.id, {
          state: "failed",
          reason: `build failed (job ${job.id}: ${end.reason ?? end.state}); nothing was switched`,
        });
        return;
      }
    }
    await activate(this.#sup(), layout, {
      rec,
      history: history,
      sha,
      timeoutMs: req.health_timeout_ms ?? 60_000,
      settleMs: this.settleMs,
    });
    await pruneReleases(layout, history.all(), req.keep ?? 5).catch(() => {});
  }
}
