/**
 * Pruning releases: the newest `keep` releases stay on disk (by when each was last deployed or
 * rolled back to, the live one always among them); older worktrees are removed with git, and a
 * worktree git has locked is never touched.
 */
import type { DeployLayout } from "./deploy_layout.ts";
import type { DeployRecord } from "./deploy_history.ts";
import { isLocked, removeWorktree } from "./git.ts";
import { HeroError } from "@hero/sdk";

/** Removes releases beyond the newest `keep`; resolves the removed commits. */
export async function pruneReleases(
  layout: DeployLayout,
  history: DeployRecord[],
  keep: number,
): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new HeroError("VALIDATION_FAILED", `keep must be 1 or more, not ${keep}`);
  }
  const current = layout.currentSha();
  const lastUsed = (sha: string) =>
    Math.max(0, ...history.filter((r) => r.sha === sha).map((r) => r.started_at));
  const releases = layout.releasesOnDisk()
    .sort((a, b) => (a === current ? -1 : b === current ? 1 : lastUsed(b) - lastUsed(a)));
  const removed: string[] = [];
  for (const sha of releases.slice(keep)) {
    if (await isLocked(layout.mirror, layout.release(sha))) continue;
    await removeWorktree(layout.mirror, layout.release(sha));
    removed.push(sha);
  }
  return removed;
}
