/**
 * A service's deploy history (`deploys.json` beside its releases): one record per deploy or
 * rollback, written whole to a temporary file and renamed, so a crash never leaves half a file.
 * Records that were under way when hero_proc stopped are closed as `interrupted` when read.
 */
import fs from "node:fs";
import path from "node:path";

/** The stages of a deploy; the last five are final. */
export type DeployState =
  | "fetching"
  | "building"
  | "switching"
  | "waiting_health"
  | "live"
  | "failed"
  | "rolled_back"
  | "superseded"
  | "interrupted";

/** States after which a record no longer changes (except live -> superseded). */
export const FINAL_DEPLOY_STATES: readonly DeployState[] = [
  "live",
  "failed",
  "rolled_back",
  "superseded",
  "interrupted",
];

/** One deploy or rollback. */
export interface DeployRecord {
  id: number;
  service: string;
  kind: "deploy" | "rollback";
  repo: string | null;
  ref: string | null;
  sha: string | null;
  /** The build command, if any. */
  build: string | null;
  /** The ad-hoc job that ran the build (its output is in the log store under `job.<id>`). */
  build_job: number | null;
  state: DeployState;
  /** The release that was live before (what a failure switches back to). */
  previous: string | null;
  /** What went wrong, or how it ended. */
  reason: string | null;
  started_at: number;
  ended_at: number | null;
}

/** Reads and writes one service's history file. */
export class DeployHistory {
  readonly #file: string;

  /** The history kept in `file`. */
  constructor(file: string) {
    this.#file = file;
  }

  /** Every record, oldest first. */
  all(): DeployRecord[] {
    try {
      return JSON.parse(fs.readFileSync(this.#file, "utf8")) as DeployRecord[];
    } catch {
      return [];
    }
  }

  /** Adds a record (its id is the next number). */
  add(fields: Omit<DeployRecord, "id" | "started_at" | "ended_at">): DeployRecord {
    const all = this.all();
    const rec: DeployRecord = {
      id: (all.at(-1)?.id ?? 0) + 1,
      ...fields,
      started_at: Date.now(),
      ended_at: null,
    };
    this.#write([...all, rec]);
    return rec;
  }

  /** Changes a record; a final state sets `ended_at`. */
  update(id: number, fields: Partial<DeployRecord>): DeployRecord {
    const all = this.all();
    const i = all.findIndex((r) => r.id === id);
    if (i < 0) throw new Error(`No deploy ${id}`);
    const ends = fields.state && FINAL_DEPLOY_STATES.includes(fields.state) && !all[i].ended_at;
    all[i] = { ...all[i], ...fields, ...(ends ? { ended_at: Date.now() } : {}) };
    this.#write(all);
    return all[i];
  }

  /** Closes records left under way by a previous hero_proc run. */
  closeInterrupted(): void {
    const all = this.all();
    let changed = false;
    for (const r of all) {
      if (!FINAL_DEPLOY_STATES.includes(r.state)) {
        Object.assign(r, {
          state: "interrupted",
          reason: `hero_proc stopped during ${r.state}`,
          ended_at: Date.now(),
        });
        changed = true;
      }
    }
    if (changed) this.#write(all);
  }

  #write(all: DeployRecord[]): void {
    fs.mkdirSync(path.dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all, null, 1));
    fs.renameSync(tmp, this.#file);
  }
}
