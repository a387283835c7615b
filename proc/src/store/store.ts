/**
 * The durable state of hero_proc: service definitions (with where they came from and whether
 * they should be running) and the job history. Every state change of a job is written before
 * it is acted upon elsewhere, so a restarted supervisor knows exactly which groups it owned.
 */
import { randomUUID } from "node:crypto";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import {
  FINAL_JOB_STATES,
  type JobRecord,
  type JobState,
  type ServiceSource,
  type ServiceSpec,
} from "../model/spec.ts";
import { openDatabase } from "./database.ts";

/** A stored service definition. */
export interface StoredService {
  spec: ServiceSpec;
  source: ServiceSource;
  desired: "up" | "down";
}

/** Filters of {@link Store.listJobs}. */
export interface JobFilter {
  service?: string;
  action?: string;
  state?: JobState;
  /** Only ad-hoc jobs (no service). */
  adhoc?: boolean;
  limit?: number;
}

/** Fields of a new job. */
export type NewJob = Pick<
  JobRecord,
  "service" | "action" | "command" | "cwd" | "state" | "attempt"
>;

/** SQLite-backed store of services and jobs. */
export class Store {
  /** The open database (shared with the log sink). */
  readonly db: DatabaseSync;
  /** A random id of this state directory; tags every child so it can be found again. */
  readonly instanceId: string;

  readonly #statements = new Map<string, StatementSync>();

  /** Opens the store in `stateDir`. */
  constructor(stateDir: string) {
    this.db = openDatabase(stateDir);
    const row = this.#sql("SELECT value FROM meta WHERE key = 'instance'").get();
    if (row) this.instanceId = String(row.value);
    else {
      this.instanceId = randomUUID().slice(0, 8);
      this.#sql("INSERT INTO meta (key, value) VALUES ('instance', ?)").run(this.instanceId);
    }
  }

  /** Inserts or replaces a service definition. */
  putService(spec: ServiceSpec, source: ServiceSource, desired?: "up" | "down"): void {
    this.#sql(
      `INSERT INTO services (name, spec, source, desired, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET spec = excluded.spec, source = excluded.source,
       desired = COALESCE(?, services.desired), updated_at = excluded.updated_at`,
    ).run(spec.name, JSON.stringify(spec), source, desired ?? "down", Date.now(), desired ?? null);
  }

  /** Records whether a service should be running (survives a supervisor restart). */
  setDesired(name: string, desired: "up" | "down"): void {
    this.#sql("UPDATE services SET desired = ? WHERE name = ?").run(desired, name);
  }

  /** Deletes a service definition (its job history stays). */
  removeService(name: string): void {
    this.#sql("DELETE FROM services WHERE name = ?").run(name);
  }

  /** All stored services, by name. */
  listServices(): StoredService[] {
    return this.#sql("SELECT spec, source, desired FROM services ORDER BY name").all().map(
      (r) => ({
        spec: JSON.parse(String(r.spec)) as ServiceSpec,
        source: String(r.source) as ServiceSource,
        desired: String(r.desired) as "up" | "down",
      }),
    );
  }

  /** Creates a job and returns it. */
  createJob(job: NewJob): JobRecord {
    const now = Date.now();
    const r = this.#sql(
      `INSERT INTO jobs (service, action, command, cwd, state, attempt, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      job.service,
      job.action,
      JSON.stringify(job.command),
      job.cwd,
      job.state,
      job.attempt,
      now,
    );
    return this.getJob(Number(r.lastInsertRowid)) as JobRecord;
  }

  /** Updates some fields of a job. */
  updateJob(id: number, fields: Partial<Omit<JobRecord, "id">>): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    if (!keys.length) return;
    const values = keys.map((k) => {
      const v = fields[k];
      return (k === "command" ? JSON.stringify(v) : v ?? null) as SQLInputValue;
    });
    this.#sql(`UPDATE jobs SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`)
      .run(...values, id);
  }

  /** One job, or undefined. */
  getJob(id: number): JobRecord | undefined {
    const row = this.#sql("SELECT * FROM jobs WHERE id = ?").get(id);
    return row ? toJob(row) : undefined;
  }

  /** Jobs, newest first. */
  listJobs(filter: JobFilter = {}): JobRecord[] {
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (filter.service !== undefined) (where.push("service = ?"), args.push(filter.service));
    if (filter.action !== undefined) (where.push("action = ?"), args.push(filter.action));
    if (filter.state !== undefined) (where.push("state = ?"), args.push(filter.state));
    if (filter.adhoc) where.push("service = ''");
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY id DESC LIMIT ?`;
    return this.#sql(sql).all(...args, filter.limit ?? 100).map(toJob);
  }

  /**
   * Deletes the oldest finished jobs of each action beyond its newest `keep` (ad-hoc jobs
   * count as one action), never an action's newest job; returns the ids deleted. Their
   * outcomes are tallied in `job_outcomes_pruned`, so the counts `jobOutcomes` gives (metrics
   * counters) never go down.
   */
  pruneJobs(keep: number): number[] {
    const placeholders = FINAL_JOB_STATES.map(() => "?").join(", ");
    const ids = this.#sql(
      `SELECT id FROM (SELECT id, state, row_number() OVER
         (PARTITION BY service, action ORDER BY id DESC) AS n FROM jobs)
       WHERE n > max(1, ?) AND state IN (${placeholders})`,
    ).all(keep, ...FINAL_JOB_STATES).map((r) => Number(r.id));
    const tally = this.#sql(
      `INSERT INTO job_outcomes_pruned (service, action, state, count)
       SELECT service, action, state, 1 FROM jobs WHERE id = ?
       ON CONFLICT (service, action, state) DO UPDATE SET count = count + 1`,
    );
    const del = this.#sql("DELETE FROM jobs WHERE id = ?");
    this.db.exec("BEGIN");
    try {
      for (const id of ids) {
        tally.run(id);
        del.run(id);
      }
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
    return ids;
  }

  /**
   * How many jobs ended in each final state, per service and action ('' = ad-hoc jobs),
   * including jobs the history no longer keeps.
   */
  jobOutcomes(): { service: string; action: string; state: JobState; count: number }[] {
    const placeholders = FINAL_JOB_STATES.map(() => "?").join(", ");
    return this.#sql(
      `SELECT service, action, state, sum(n) AS n FROM (
         SELECT service, action, state, count(*) AS n FROM jobs WHERE state IN (${placeholders})
         GROUP BY service, action, state
         UNION ALL SELECT service, action, state, count AS n FROM job_outcomes_pruned)
       GROUP BY service, action, state ORDER BY service, action, state`,
    ).all(...FINAL_JOB_STATES).map((r) => ({
      service: String(r.service),
      action: String(r.action),
      state: String(r.state) as JobState,
      count: Number(r.n),
    }));
  }

  /** Jobs that were not over when the supervisor last stopped. */
  unfinishedJobs(): JobRecord[] {
    const placeholders = FINAL_JOB_STATES.map(() => "?").join(", ");
    return this.#sql(`SELECT * FROM jobs WHERE state NOT IN (${placeholders}) ORDER BY id`)
      .all(...FINAL_JOB_STATES).map(toJob);
  }

  /** A prepared statement, compiled once per SQL text (the same few run on every state change). */
  #sql(sql: string): StatementSync {
    let st = this.#statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.#statements.size < 200) this.#statements.set(sql, st);
    }
    return st;
  }

  /** Closes the database. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

function toJob(r: Record<string, SQLInputValue>): JobRecord {
  const num = (v: SQLInputValue) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    service: String(r.service),
    action: String(r.action),
    command: JSON.parse(String(r.command)),
    cwd: r.cwd === null ? null : String(r.cwd),
    state: String(r.state) as JobState,
    health: String(r.health) as JobRecord["health"],
    pid: num(r.pid),
    pgid: num(r.pgid),
    pid_start: num(r.pid_start),
    shim_pid: num(r.shim_pid),
    shim_start: num(r.shim_start),
    attempt: Number(r.attempt),
    exit_code: num(r.exit_code),
    signal: r.signal === null ? null : String(r.signal),
    reason: r.reason === null ? null : String(r.reason),
    created_at: Number(r.created_at),
    started_at: num(r.started_at),
    ended_at: num(r.ended_at),
  };
}
