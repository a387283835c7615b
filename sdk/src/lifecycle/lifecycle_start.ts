/**
 * `mysvc start`: register the service with hero_proc (`service.set`, exec = this binary with
 * `run`), start it, and wait until its health check passes. Failure is reported as what
 * failed, the last log lines and the command to see more; the service is then stopped so it
 * does not crash-loop, and stays registered for the next `start`.
 */
import { HeroError } from "../errors/hero_error.ts";
import type { ProcClient } from "./proc_client.ts";

/** What `start` registers. */
export interface StartPlan {
  name: string;
  description: string;
  /** The full argv hero_proc runs. */
  exec: string[];
  env: Record<string, string>;
  /** `ServiceInput.health`, e.g. `{ socket: "/…/notes/rpc.sock" }`. */
  health: Record<string, unknown>;
  timeoutMs: number;
  /** How a user runs this binary, for hints (`node main.ts`). */
  commandHint: string;
}

interface ActionStatus {
  name: string;
  state: string;
  health: string;
  pid: number | null;
  restarts: number;
  reason: string | null;
}

interface ServiceStatus {
  name: string;
  state: string;
  health: string;
  pid: number | null;
  actions: ActionStatus[];
}

interface Line {
  ts: number;
  source: string;
  level: string;
  message: string;
}

/** Registers, starts and waits; resolves the healthy status or throws START_FAILED. */
export async function startService(proc: ProcClient, plan: StartPlan): Promise<ServiceStatus> {
  const startedAt = Date.now();
  await proc.call("service.set", {
    service: {
      name: plan.name,
      description: plan.description,
      autostart: false,
      actions: {
        main: {
          exec: plan.exec,
          env: plan.env,
          // The start period covers the wait: a slow boot is "not healthy yet", not a crash.
          health: {
            ...plan.health,
            interval_ms: 1000,
            timeout_ms: 2000,
            retries: 3,
            start_period_ms: plan.timeoutMs,
          },
          restart: { policy: "on-failure", delay_ms: 1000, max_restarts: 10 },
        },
      },
    },
  });
  // A restart of an already running service (new definition or not) is still a start.
  const status0 = await proc.call<ServiceStatus>("service.status", { name: plan.name });
  const method = status0.state === "running" ? "service.restart" : "service.start";
  await proc.call(method, { name: plan.name, wait: false });
  const deadline = Date.now() + plan.timeoutMs;
  let last: ServiceStatus = status0;
  for (;;) {
    last = await proc.call<ServiceStatus>("service.status", { name: plan.name });
    const a = last.actions[0];
    if (a && a.state === "running" && a.health === "healthy") return last;
    const crashed = a && (a.state === "failed" || a.state === "backoff" || a.restarts > 0);
    if (crashed) {
      return await fail(
        proc,
        plan,
        startedAt,
        `it exited during startup${a.reason ? ` (${a.reason})` : ""}`,
      );
    }
    if (Date.now() >= deadline) {
      const why = a?.state === "running"
        ? `it is running (pid ${a.pid}) but its health check did not pass within ${
          plan.timeoutMs / 1000
        } s` +
          (a.reason ? ` (${a.reason})` : "")
        : `it did not start within ${plan.timeoutMs / 1000} s (state ${a?.state ?? last.state})`;
      return await fail(proc, plan, startedAt, why);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function fail(
  proc: ProcClient,
  plan: StartPlan,
  startedAt: number,
  why: string,
): Promise<never> {
  await proc.call("service.stop", { name: plan.name }).catch(() => {});
  let lines: Line[] = [];
  try {
    const page = await proc.call<{ lines: Line[] }>("logs.query", {
      source: plan.name,
      since: startedAt,
      limit: 15,
    });
    lines = page.lines.reverse();
  } catch { /* the message below still says how to look */ }
  const shown = lines.length
    ? `Last log lines:\n${
      lines.map((l) => `  ${new Date(l.ts).toISOString().slice(11, 23)} ${l.source} ${l.message}`)
        .join("\n")
    }`
    : "No log lines were captured.";
  throw new HeroError(
    "START_FAILED",
    `Cannot start "${plan.name}": ${why}.\n${shown}\n` +
      `See more: ${plan.commandHint} logs   (or: hero_proc logs ${plan.name})\n` +
      `The service is registered but stopped; fix the problem, then run: ${plan.commandHint} start`,
    { details: { service: plan.name, lines } },
  );
}
