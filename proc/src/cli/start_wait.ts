/**
 * Starting a service and failing fast with the real cause: instead of waiting out a timeout
 * while a crashing process is restarted again and again, the first crash (or a failed oneshot,
 * or a failing health check past its start period) ends the wait with the service's own last
 * lines and, for causes people meet often (a port in use), what to do about it.
 */
import type { LogRecord } from "@hero/sdk";
import type { ServiceStatus } from "../supervisor/service_status.ts";
import { CliError } from "./client.ts";
import { EXIT } from "./command_spec.ts";

/** Calls one daemon method (the CLI's or any RpcClient-backed caller). */
export type DaemonCall = <R>(method: string, params?: Record<string, unknown>) => Promise<R>;

/** Options of {@link startAndWait}. */
export interface StartWaitOptions {
  /** Longest wait for readiness (default 60 s). */
  timeoutMs?: number;
  /** Advice for a failure whose lines match, e.g. how to pick another port. */
  advice?: (lines: string[]) => string | undefined;
  /** Point to `hero_proc logs NAME` for more (default true; false when the daemon goes away). */
  moreHint?: boolean;
}

/** A process without a health check counts as started once it stayed up this long. */
const STAY_UP_MS = 1000;

const RUNNING = (s: ServiceStatus) =>
  s.actions.every((a) => a.state === (a.kind === "oneshot" ? "succeeded" : "running"));

/** Starts `name` and resolves its status once ready, or throws a CliError explaining why not. */
export async function startAndWait(
  call: DaemonCall,
  name: string,
  opts: StartWaitOptions = {},
): Promise<ServiceStatus> {
  const before = await call<ServiceStatus>("service.status", { name });
  const restartsBefore = new Map(before.actions.map((a) => [a.name, a.restarts]));
  await call("service.start", { name });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let s = before;
  for (;;) {
    s = await call<ServiceStatus>("service.status", { name });
    const crashed = s.actions.find((a) =>
      a.state === "failed" || a.state === "timed_out" ||
      a.restarts > (restartsBefore.get(a.name) ?? 0)
    );
    if (crashed) {
      const why = crashed.reason ?? `${crashed.state}`;
      throw await explain(call, name, `${crashed.name} ${describeCrash(crashed.state, why)}`, opts);
    }
    if (await isReady(call, name, s)) return s;
    if (Date.now() > deadline) {
      const pending = s.actions.find((a) => a.state !== "running" && a.state !== "succeeded") ??
        s.actions.find((a) => a.health !== "healthy");
      throw await explain(
        call,
        name,
        `not ready after ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s` +
          (pending
            ? ` (${pending.name}: ${pending.state}, health ${pending.health}` +
              `${pending.reason ? `, ${pending.reason}` : ""})`
            : ""),
        opts,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function describeCrash(state: string, why: string): string {
  if (state === "failed" || state === "timed_out") return `failed: ${why}`;
  const exit = /after it (.*?)(?:;|$)/.exec(why)?.[1];
  return `exited during start (${exit ?? why})`;
}

async function isReady(call: DaemonCall, name: string, s: ServiceStatus): Promise<boolean> {
  if (!RUNNING(s)) return false;
  // A process without a health check is ready once it runs; one with a check once it passed.
  const def = await call<{ spec: { actions: { name: string; health?: unknown }[] } }>(
    "service.get",
    { name },
  );
  return s.actions.every((a) => {
    const spec = def.spec.actions.find((x) => x.name === a.name);
    if (a.kind === "oneshot") return true;
    return spec?.health ? a.health === "healthy" : a.uptime_ms >= STAY_UP_MS;
  });
}

async function explain(
  call: DaemonCall,
  name: string,
  what: string,
  opts: StartWaitOptions,
): Promise<CliError> {
  const page = await call<{ lines: LogRecord[] }>("logs.query", { source: name, limit: 10 })
    .catch(() => ({ lines: [] as LogRecord[] }));
  const lines = page.lines.reverse().map((l) => `  ${l.source}: ${l.message}`);
  const advice = opts.advice?.(lines);
  return new CliError(
    [
      `Cannot start "${name}": ${what}`,
      ...(lines.length ? ["Last lines:", ...lines] : []),
      ...(advice ? [advice] : []),
      ...(opts.moreHint === false ? [] : [`More: hero_proc logs ${name}`]),
    ].join("\n"),
    EXIT.failed,
  );
}

/** Advice for lines that show a TCP port already in use. */
export function portInUseAdvice(env: string, example: string) {
  return (lines: string[]): string | undefined => {
    const m = lines.join("\n").match(
      /(\S+:\d+)\b[^\n]*(?:address already in use|EADDRINUSE)|(?:address already in use|EADDRINUSE)[^\n]*?(\S+:\d+)/i,
    );
    if (!m) return undefined;
    const addr = m[1] ?? m[2];
    return `${addr} is in use by another program: stop it, or choose another address with ` +
      `${env} (e.g. ${example})`;
  };
}
