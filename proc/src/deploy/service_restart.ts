/**
 * The supervisor's side of a deploy: making a service's actions run in `current`, restarting
 * it there, and deciding whether the new release is healthy — every action ready (healthy
 * where it has a check) and, for actions without a check, still up and not restarted after a
 * short settle time, so a release that crashes at once is not taken for a good one.
 */
import { HeroError } from "@hero/sdk";
import type { ActionSpec, HealthSpec, ServiceSpec } from "../model/spec.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";

/** Whether an action already runs inside `current` (or a folder of it). */
function runsIn(a: ActionSpec, current: string): boolean {
  return !!a.cwd && (a.cwd === current || a.cwd.startsWith(`${current}/`));
}

/** Throws unless the service exists and its actions can be pointed at `current`. */
export function checkDeployable(sup: Supervisor, service: string, current: string): void {
  const { spec, source } = sup.service(service);
  const outside = spec.actions.filter((a) => !runsIn(a, current));
  if (outside.length && source === "file") {
    throw new HeroError(
      "DEPLOY_CWD",
      `Cannot deploy "${service}": it is defined in a TOML file and its action(s) ${
        outside.map((a) => `"${a.name}"`).join(", ")
      } do not run in the release; set cwd = "${current}" there and reload`,
    );
  }
}

/** The input form of a health check (the inverse of its validation). */
function healthInput(health: HealthSpec): Record<string, unknown> {
  const target = health.type === "exec"
    ? health.target
    : health.type === "tcp"
    ? health.target.join(":")
    : health.target[0];
  return {
    [health.type]: target,
    interval_ms: health.interval_ms,
    timeout_ms: health.timeout_ms,
    start_period_ms: health.start_period_ms,
    retries: health.retries,
  };
}

/** A stored service definition as `service.set` input, with every action's cwd in `current`. */
export function withCwd(spec: ServiceSpec, current: string): Record<string, unknown> {
  const actions: Record<string, unknown> = {};
  for (const { name, health, ...a } of spec.actions) {
    actions[name] = {
      ...a,
      cwd: runsIn({ name, ...a }, current) ? a.cwd : current,
      ...(health ? { health: healthInput(health) } : {}),
    };
  }
  const { name, description, after, requires, autostart } = spec;
  return { name, description, after, requires, autostart, actions };
}

/** Restarts the service in the release `current` points at (first pointing its actions there). */
export async function restartIn(sup: Supervisor, service: string, current: string): Promise<void> {
  const { spec } = sup.service(service);
  if (spec.actions.every((a) => runsIn(a, current))) {
    await sup.restartService(service);
    return;
  }
  await sup.stopService(service, { dependents: false });
  await sup.setService(withCwd(spec, current), "rpc");
  sup.startService(service);
}

/** Waits for the service to be healthy; resolves null, or why it is not. */
export async function waitHealthy(
  sup: Supervisor,
  service: string,
  opts: { timeoutMs: number; settleMs: number },
): Promise<string | null> {
  const outcome = await sup.waitReady(service, opts.timeoutMs);
  const why = () =>
    sup.runners(service).map((r) =>
      `${r.spec.name}: ${r.state}${r.state === "running" ? ` (${r.health})` : ""}${
        r.reason ? `, ${r.reason}` : ""
      }`
    ).join("; ");
  if (outcome === "timeout") return `was not healthy within ${opts.timeoutMs} ms (${why()})`;
  if (outcome === "failed") return `failed (${why()})`;
  const unchecked = sup.runners(service).filter((r) => r.spec.kind === "process" && !r.spec.health);
  if (!unchecked.length) return null;
  const restarts = unchecked.map((r) => r.totalRestarts);
  const jobs = unchecked.map((r) => r.jobId);
  await new Promise((r) => setTimeout(r, opts.settleMs));
  const bad = unchecked.filter((r, i) =>
    !r.ready || r.totalRestarts !== restarts[i] || r.jobId !== jobs[i]
  );
  return bad.length ? `did not stay up for ${opts.settleMs} ms (${why()})` : null;
}
