/** `stop`, `status` and `logs [-f]` of a service binary, acting on its hero_proc registration. */
import { RpcError } from "../errors/rpc_error.ts";
import { HeroError } from "../errors/hero_error.ts";
import { followLogs, type LogRecord } from "../logger/log_follower.ts";
import type { Runtime } from "../runtime/types.ts";
import { currentRuntime } from "../runtime/current.ts";
import type { ProcClient } from "./proc_client.ts";

function notRegistered(err: unknown): boolean {
  return err instanceof RpcError &&
    (err.data as { code?: string } | undefined)?.code === "SERVICE_NOT_FOUND";
}

/** One line for people. */
export function formatRecord(l: LogRecord): string {
  return `${new Date(l.ts).toISOString().slice(11, 23)} ${
    l.level.toUpperCase().padEnd(5)
  } ${l.source} ${l.message}`;
}

/** Stops the service; exit 0, or 1 when it is not registered. */
export async function stopCommand(
  proc: ProcClient,
  name: string,
  out: (t: string) => void,
): Promise<number> {
  try {
    await proc.call("service.stop", { name }, 120_000);
  } catch (err) {
    if (notRegistered(err)) {
      throw new HeroError(
        "NOT_REGISTERED",
        `"${name}" is not registered with hero_proc; nothing to stop`,
      );
    }
    throw err;
  }
  out(`${name} stopped`);
  return 0;
}

/** Prints the state; exit 0 running and healthy, 3 not running (as LSB status does), 1 otherwise. */
export async function statusCommand(
  proc: ProcClient,
  name: string,
  hint: string,
  out: (t: string) => void,
): Promise<number> {
  let s: {
    state: string;
    health: string;
    pid: number | null;
    actions: { restarts: number; reason: string | null; uptime_ms?: number }[];
  };
  try {
    s = await proc.call("service.status", { name });
  } catch (err) {
    if (notRegistered(err)) {
      out(`${name}: not registered with hero_proc (register and start it with: ${hint} start)`);
      return 3;
    }
    throw err;
  }
  const a = s.actions[0];
  out(
    `${name}: ${s.state}${s.pid ? ` (pid ${s.pid})` : ""}, health ${s.health}` +
      (a?.restarts ? `, ${a.restarts} restarts` : "") + (a?.reason ? `; ${a.reason}` : ""),
  );
  if (s.state === "running") return s.health === "unhealthy" ? 1 : 0;
  return s.state === "failed" ? 1 : 3;
}

/** Prints the last lines of the service; with `follow`, then every new line until SIGINT. */
export async function logsCommand(
  proc: ProcClient,
  name: string,
  opts: { follow: boolean; lines: number; socketRoot: string; runtime?: Runtime },
  out: (t: string) => void,
): Promise<number> {
  const page = await proc.call<{ lines: LogRecord[] }>("logs.query", {
    source: name,
    limit: Math.max(1, Math.min(opts.lines, 10_000)),
  });
  const lines = page.lines.reverse();
  for (const l of lines) out(formatRecord(l));
  if (!opts.follow) return 0;
  const rt = opts.runtime ?? currentRuntime();
  const ctl = new AbortController();
  const off = rt.onShutdownSignal(() => ctl.abort());
  try {
    const after = lines.at(-1)?.id;
    for await (
      const l of followLogs({
        source: name,
        afterId: after,
        backlog: 0,
        signal: ctl.signal,
        socketRoot: opts.socketRoot,
        runtime: rt,
      })
    ) {
      out(formatRecord(l));
    }
  } finally {
    off();
  }
  return 0;
}
