/**
 * Making a release live: `current` switched to it (and its worktree locked), the service
 * restarted there, and health awaited. A release that does not get healthy is switched back
 * to the one before, which is restarted and awaited in turn; the record says what happened.
 */
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { DeployHistory, DeployRecord } from "./deploy_history.ts";
import type { DeployLayout } from "./deploy_layout.ts";
import { lockWorktree, unlockWorktree } from "./git.ts";
import { restartIn, waitHealthy } from "./service_restart.ts";

/** What to activate and how long to wait for it. */
export interface ActivateOptions {
  rec: DeployRecord;
  history: DeployHistory;
  sha: string;
  timeoutMs: number;
  /** How long actions without a health check must stay up. */
  settleMs: number;
}

/** Switches `current` to `o.sha`, restarts, waits for health; switches back on failure. */
export async function activate(
  sup: Supervisor,
  layout: DeployLayout,
  opts: ActivateOptions,
): Promise<void> {
  const { rec, history: h, sha } = opts;
  const service = rec.service;
  const before = layout.currentSha();
  const wait = { timeoutMs: opts.timeoutMs, settleMs: opts.settleMs };
  h.update(rec.id, { state: "switching" });
  layout.switchTo(sha);
  await lockWorktree(layout.mirror, layout.release(sha), `live: ${service} ${rec.kind} ${rec.id}`);
  await restartIn(sup, service, layout.current);
  h.update(rec.id, { state: "waiting_health" });
  const problem = await waitHealthy(sup, service, wait);
  if (!problem) {
    for (const r of h.all()) {
      if (r.id !== rec.id && r.state === "live") h.update(r.id, { state: "superseded" });
    }
    h.update(rec.id, { state: "live", reason: null });
    if (before && before !== sha) await unlockWorktree(layout.mirror, layout.release(before));
    return;
  }
  if (!before || before === sha) {
    h.update(rec.id, {
      state: "failed",
      reason: `the release ${problem}; nothing to switch back to`,
    });
    return;
  }
  layout.switchTo(before);
  await unlockWorktree(layout.mirror, layout.release(sha));
  await restartIn(sup, service, layout.current);
  const back = await waitHealthy(sup, service, wait);
  h.update(rec.id, {
    state: "rolled_back",
    reason: `the release ${problem}; switched back to ${before.slice(0, 12)}${
      back ? `, which is not healthy either: ${back}` : ", healthy again"
    }`,
  });
}
