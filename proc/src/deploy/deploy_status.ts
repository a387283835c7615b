/**
 * What `deploy list` shows per deployed service: the live release, the releases on disk (with
 * when each was last deployed and how that ended) and the newest part of the history.
 */
import fs from "node:fs";
import path from "node:path";
import type { DeployRecord } from "./deploy_history.ts";
import type { Deployer } from "./deployer.ts";

/** One release on disk. */
export interface ReleaseInfo {
  sha: string;
  live: boolean;
  /** When it was last deployed or rolled back to (ms), or null if the history lost it. */
  last_used: number | null;
  /** How its last deploy ended. */
  last_state: DeployRecord["state"] | null;
}

/** One deployed service. */
export interface DeployStatus {
  service: string;
  current: string | null;
  /** The deploy or rollback under way, if any. */
  busy: DeployRecord | null;
  releases: ReleaseInfo[];
  /** Newest first, at most `historyLimit`. */
  history: DeployRecord[];
}

/** The status of one service, or of every service with a deploy history under the root. */
export function deployStatus(d: Deployer, service?: string, historyLimit = 20): DeployStatus[] {
  let names: string[];
  if (service) names = [service];
  else {
    try {
      names = fs.readdirSync(d.root).filter((n) =>
        fs.existsSync(path.join(d.root, n, "deploys.json"))
      ).sort();
    } catch {
      names = [];
    }
  }
  return names.map((name) => {
    const layout = d.layout(name);
    const history = d.history(name).all();
    const current = layout.currentSha();
    const releases = layout.releasesOnDisk().map((sha) => {
      const last = history.filter((r) => r.sha === sha).at(-1);
      return {
        sha,
        live: sha === current,
        last_used: last?.started_at ?? null,
        last_state: last?.state ?? null,
      };
    }).sort((a, b) => (b.last_used ?? 0) - (a.last_used ?? 0));
    return {
      service: name,
      current,
      busy: d.busy(name) ?? null,
      releases,
      history: history.slice(-historyLimit).reverse(),
    };
  });
}
