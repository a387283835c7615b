/**
 * `serve` (foreground), `start` (background daemon, returns once healthy) and `shutdown`
 * (stop every service and the daemon).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import type * as Http from "node:http";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { DAEMON_NODE_FLAGS } from "../daemon/node_flags.ts";
import type { ProcPaths } from "../daemon/paths.ts";
import { serveDaemon } from "../daemon/serve.ts";
import { INIT_EXIT, startInit } from "../daemon/pid1.ts";
import { isDead, readProc } from "../supervisor/proc_table.ts";
import { callDaemon, CliError } from "./client.ts";

// An ESM `import` of node:http evaluates its lazy WebSocket getters, which loads undici, http2
// and crypto (about 11 MB resident); the CommonJS exports object does not.
const http: typeof Http = process.getBuiltinModule("node:http");

// This module runs from src/cli/ or from a JavaScript build in dist/<build>/src/cli/.
const LAUNCHER = import.meta.url.includes("/dist/")
  ? fileURLToPath(
    `${import.meta.url.slice(0, import.meta.url.lastIndexOf("/dist/"))}/bin/hero_proc.mjs`,
  )
  : fileURLToPath(new URL("../../bin/hero_proc.mjs", import.meta.url));

/** The build this module runs from (`dist/<build>`), or undefined when run from source. */
const BUILD = import.meta.url.includes("/dist/")
  ? fileURLToPath(import.meta.url.slice(0, import.meta.url.lastIndexOf("/src/cli/")))
  : undefined;

/** Runs the daemon in the foreground until SIGTERM/SIGINT or system.shutdown. */
export async function serveCommand(paths: ProcPaths): Promise<void> {
  // The daemon loads modules (the admin UI on first use) and assets from its build for as long
  // as it runs: pinned, the build survives rebuilds (scripts/build_dist.mjs keeps pinned ones).
  const pin = BUILD && `${BUILD}/.pid.${process.pid}`;
  if (pin) fs.writeFileSync(pin, "");
  const unpin = () => pin && fs.rmSync(pin, { force: true });
  // As PID 1 (a container), hero_proc is also init: it reaps orphans and ends stragglers.
  const init = startInit();
  let daemon;
  try {
    daemon = await serveDaemon(paths);
  } catch (err) {
    unpin();
    if (init) {
      console.error(`hero_proc: ${(err as Error).message}`);
      await init.finish({ stateDir: paths.stateDir, stoppingSince: Date.now() });
      process.exit(INIT_EXIT.startFailed);
    }
    throw err;
  }
  if (init?.stopRequested) void daemon.close();
  const r = daemon.supervisor.recovery;
  for (const e of daemon.supervisor.configErrors) {
    console.error(`hero_proc: not loaded: ${e.error}`);
  }
  const c = daemon.supervisor.containment;
  if (c.mode !== "cgroup") {
    // Said once, at start: without cgroups a process that leaves its group and scrubs its
    // environment cannot be found, and limits are not enforced.
    console.error(
      `hero_proc: no cgroups (${c.notes.join("; ")}): containing jobs by process group and ` +
        `job tag; limits are not enforced`,
    );
  }
  console.error(
    `hero_proc listening on ${paths.rpcSocket} (state ${paths.stateDir}, config ${paths.configDir})` +
      (r.closedJobs.length
        ? `; recovered after a crash: closed ${r.closedJobs.length} job(s), stopped ${r.stoppedPids.length} process(es)`
        : ""),
  );
  await daemon.closed;
  unpin();
  if (daemon.successor) {
    // An upgrade hands the running services over: init must not end them.
    handOver(daemon.successor);
    process.exit(0);
  }
  const code = init
    ? await init.finish({ stateDir: paths.stateDir, stoppingSince: daemon.stoppingSince })
    : 0;
  // Every child is stopped and the store is closed: nothing left is worth waiting for.
  process.exit(code);
}

/**
 * Starts the upgraded daemon with the same arguments (its launcher rebuilds from the current
 * sources): as PID 1 in place (execve keeps the pid), elsewhere as a new detached process
 * writing where this one wrote. The services keep running meanwhile; it adopts them.
 */
function handOver(argv: string[]): void {
  const p = process as unknown as {
    execve?: (f: string, a: string[], e: NodeJS.ProcessEnv) => void;
  };
  if (process.pid === 1 && p.execve) {
    p.execve(process.execPath, [process.execPath, ...argv], process.env);
  }
  const child = spawn(process.execPath, argv, {
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  child.unref();
  console.error(`hero_proc: upgrading: handed over to pid ${child.pid}`);
}

/** `hero_proc upgrade`: hands over to a newly built daemon; services keep running. */
export async function upgradeCommand(paths: ProcPaths, json: boolean): Promise<void> {
  const before = await callDaemon<{ pid: number; running_actions: number }>(paths, "system.info");
  await callDaemon(paths, "system.upgrade");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if ((await daemonHealth(paths.rpcSocket)) !== "ok") continue;
    const info = await callDaemon<
      { pid: number; running_actions: number; recovery: { adopted_jobs: number[] } }
    >(paths, "system.info").catch(() => undefined);
    if (!info || (info.pid === before.pid && info.recovery.adopted_jobs.length === 0)) continue;
    print(
      json,
      { upgraded: true, old_pid: before.pid, pid: info.pid, adopted: info.recovery.adopted_jobs },
      `hero_proc upgraded (pid ${before.pid} -> ${info.pid}); ${info.recovery.adopted_jobs.length} action(s) kept running`,
    );
    return;
  }
  throw new CliError(
    `hero_proc did not come back within 30 s after the upgrade; services keep running. ` +
      `Start it with: hero_proc start (see ${path.join(paths.stateDir, "hero_proc.log")})`,
  );
}

/** Reads GET /health from the daemon socket; resolves the status or undefined. */
export function daemonHealth(socket: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: "/health", timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        try {
          resolve(JSON.parse(body).status);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
  });
}

/**
 * Starts the daemon in the background and returns once it reports healthy; `implicit` when it
 * is started on the way to starting a service (then it says so on stderr).
 */
export async function startCommand(paths: ProcPaths, json: boolean, implicit = false) {
  const args = [
    "--state-dir",
    paths.stateDir,
    "--config-dir",
    paths.configDir,
    "--socket-dir",
    paths.socketRoot,
  ];
  if ((await daemonHealth(paths.rpcSocket)) === "ok") {
    const info = await callDaemon<{ pid: number }>(paths, "system.info");
    print(
      json,
      { started: false, pid: info.pid, socket: paths.rpcSocket },
      `hero_proc is already running (pid ${info.pid})`,
    );
    return;
  }
  fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(paths.stateDir, "hero_proc.log");
  const log = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, LAUNCHER, "serve", ...args], {
    detached: true,
    stdio: ["ignore", log, log],
    env: process.env,
  });
  fs.closeSync(log);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await daemonHealth(paths.rpcSocket)) === "ok") {
      const text = `hero_proc started (pid ${child.pid}), socket ${paths.rpcSocket}`;
      if (implicit) console.error(`hero_proc was not running: ${text}`);
      else {print(
          json,
          { started: true, pid: child.pid, socket: paths.rpcSocket, log: logFile },
          text,
        );}
      await reportConfigErrors(paths);
      return;
    }
    if (exited !== undefined) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-10).join("\n");
  throw new CliError(
    `hero_proc did not start${
      exited !== undefined ? ` (exited with code ${exited})` : " within 15 s"
    }. Last lines of ${logFile}:\n${tail}`,
  );
}

/** Prints the TOML files the daemon could not load (each with its reason) on stderr. */
export async function reportConfigErrors(paths: ProcPaths): Promise<void> {
  const info = await callDaemon<{ config_errors?: { file: string; error: string }[] }>(
    paths,
    "system.info",
  );
  for (const e of info.config_errors ?? []) console.error(`hero_proc: not loaded: ${e.error}`);
}

/**
 * Asks the daemon to stop its services and exit; succeeds only if it answers that everything
 * stopped and then exits. Dying or timing out before that is an error (exit code 1).
 */
export async function shutdownCommand(paths: ProcPaths, json: boolean): Promise<void> {
  if ((await daemonHealth(paths.rpcSocket)) === undefined) {
    print(json, { stopped: false, running: false }, "hero_proc is not running");
    return;
  }
  const info = await callDaemon<{ pid: number }>(paths, "system.info");
  let r: { stopped?: boolean; survivors?: number[] };
  try {
    r = await callDaemon(paths, "system.shutdown", { wait: true }, 600_000);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    throw new CliError(
      `hero_proc (pid ${info.pid}) did not confirm that every service stopped: ${err.message}`,
    );
  }
  if (r.stopped === false) {
    throw new CliError(
      `hero_proc (pid ${info.pid}) could not stop every process: ${
        (r.survivors ?? []).join(", ")
      } survived SIGKILL`,
    );
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // A zombie has exited (its parent may be slow to reap it).
    if (isDead(readProc(info.pid))) {
      print(
        json,
        { stopped: true, pid: info.pid },
        `hero_proc stopped (pid ${info.pid}) with every service`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new CliError(
    `hero_proc (pid ${info.pid}) stopped its services but did not exit within 30 s`,
  );
}

/** Prints JSON or a sentence. */
export function print(json: boolean, value: unknown, text: string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}
