/**
 * The daemon: binds hero_proc's `rpc.sock` first (a second daemon on the same socket fails
 * there, before touching anything), then opens the supervisor (crash recovery or adoption,
 * services), and on SIGTERM/SIGINT or `system.shutdown` stops every service before exiting.
 * `system.upgrade` lets go of everything instead (services keep running under their shims)
 * and hands over to a new daemon process, which adopts them.
 */
import process from "node:process";
import { HeroServer } from "@hero/sdk";
import { adminForDaemon } from "../admin/mount.ts";
import { createProcApi } from "../rpc/api.ts";
import { Supervisor } from "../supervisor/supervisor.ts";
import { healthDetail } from "../supervisor/service_status.ts";
import { LogStore } from "../logs/log_store.ts";
import { logStoreOptions } from "../logs/store/log_config.ts";
import { logAdminRoutes } from "../logs/api/log_admin.ts";
import { metricsRoute } from "../metrics/metrics_route.ts";
import { otelSettings } from "../telemetry/otel_config.ts";
import type { OtelExport } from "../telemetry/otel_export.ts";
import type { ProcPaths } from "./paths.ts";
import { awaitDyingOwner, lockStateDir } from "./state_lock.ts";

/** hero_proc's version. */
export const VERSION = "0.1.0";

/** A running daemon. */
export interface Daemon {
  supervisor: Supervisor;
  server: HeroServer;
  /** The log store (`<state dir>/logs.db`), also the supervisor's capture sink. */
  logs: LogStore;
  /** Resolves when the daemon has fully stopped. */
  closed: Promise<void>;
  /** When the stop began (signal, `system.shutdown` or close), or undefined while running. */
  readonly stoppingSince: number | undefined;
  /** Stops services, closes the socket and the store. */
  close(): Promise<void>;
  /** Set once an upgrade has detached the daemon: the successor to start (argv). */
  successor?: string[];
}

/** Serves hero_proc until closed. */
export async function serveDaemon(paths: ProcPaths): Promise<Daemon> {
  let sup: Supervisor | undefined;
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stoppingSince: number | undefined;
  // Services stop before the socket closes, so a caller waiting on system.shutdown hears
  // whether everything stopped.
  const close = () => {
    closing ??= (async () => {
      stoppingSince = Date.now();
      await sup?.stopAll();
      admin.close();
      await server.close();
      await sup?.close();
      await telemetry?.close();
      resolveClosed();
    })();
    return closing;
  };
  let logs: LogStore | undefined;
  let telemetry: OtelExport | undefined;
  const api = createProcApi({
    logs: () => {
      if (!logs) throw new Error("hero_proc is still starting");
      return logs;
    },
    sup: () => {
      if (!sup) throw new Error("hero_proc is still starting");
      return sup;
    },
    paths: { state_dir: paths.stateDir, config_dir: paths.configDir, socket: paths.rpcSocket },
    version: VERSION,
    startedAt: Date.now(),
    shutdown: () => {
      const done = close();
      return sup ? sup.stopAll() : done.then(() => ({ survivors: [] }));
    },
    upgrade: () => {
      if (!sup?.shim.path) {
        throw new Error(
          `Cannot upgrade without restarting services: no hero_shim (${sup?.shim.problem})`,
        );
      }
      closing ??= (async () => {
        admin.close();
        await server.close();
        await sup?.detach();
        daemon.successor = [...process.execArgv, ...process.argv.slice(1)];
        resolveClosed();
      })();
    },
  });
  const admin = adminForDaemon(api, {
    logs: () => logs,
    socketRoot: paths.socketRoot,
  });
  const metrics = metricsRoute(api);
  const server = new HeroServer({
    name: "hero_proc",
    api,
    adminUpgrade: admin.onUpgrade,
    socketRoot: paths.socketRoot,
    health: async () =>
      !sup ? { status: "degraded", reason: "starting" } : logs?.disk.state.low
        ? {
          status: "degraded",
          reason: `log lines refused: ${logs.disk.describe()}`,
          detail: await healthDetail(sup),
        }
        : { status: "ok", detail: await healthDetail(sup) },
    // /metrics and the log store's routes (/logs/follow, /logs/tree, /logs/stats) first, then
    // the admin UI.
    admin: async (req, info) =>
      await metrics(req) ?? (logs && logAdminRoutes(logs, req)) ?? await admin.handler(req, info),
  });
  await awaitDyingOwner(paths.stateDir);
  await server.start();
  let unlock: () => void = () => {};
  try {
    unlock = lockStateDir(paths.stateDir);
    // Opened only once the state directory is ours: one writer per logs.db.
    logs = new LogStore(logStoreOptions(paths.stateDir, process.env));
    sup = await Supervisor.open({
      stateDir: paths.stateDir,
      configDir: paths.configDir,
      sink: logs,
    });
    // OpenTelemetry only when an OTLP endpoint is configured: its SDK is not loaded otherwise.
    const otel = otelSettings(process.env);
    if (otel) {
      const { startOtelExport } = await import("../telemetry/otel_export.ts");
      telemetry = startOtelExport(otel, {
        version: VERSION,
        instanceId: sup.store.instanceId,
        logs,
      });
    }
  } catch (err) {
    unlock();
    await server.close();
    logs?.close();
    throw err;
  }
  // Stay subscribed: a second SIGTERM during a long shutdown must not kill us half-way.
  const onSignal = () => void close();
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  closed.then(() => {
    unlock();
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  });
  const daemon: Daemon = {
    supervisor: sup,
    server,
    logs: logs!,
    closed,
    close,
    get stoppingSince() {
      return stoppingSince;
    },
  };
  return daemon;
}
