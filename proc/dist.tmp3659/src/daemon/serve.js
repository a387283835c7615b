/**
 * The daemon: binds hero_proc's `rpc.sock` first (a second daemon on the same socket fails
 * there, before touching anything), then opens the supervisor (crash recovery, services), and
 * on SIGTERM/SIGINT or `system.shutdown` stops every service before exiting.
 */
import process from "node:process";
import { HeroServer } from "../../sdk/mod.js";
import { createProcApi } from "../rpc/api.js";
import { Supervisor } from "../supervisor/supervisor.js";
                                            
import { lockStateDir } from "./state_lock.js";

/** hero_proc's version. */
export const VERSION = "0.1.0";

/** A running daemon. */
                         
                         
                     
                                                    
                        
                                                         
                         
 

/** Serves hero_proc until closed. */
export async function serveDaemon(paths           )                  {
  let sup                        ;
  let closing                           ;
  let resolveClosed             ;
  const closed = new Promise      ((r) => (resolveClosed = r));
  const close = () => {
    closing ??= (async () => {
      await server.close();
      await sup?.close();
      resolveClosed();
    })();
    return closing;
  };
  const api = createProcApi({
    sup: () => {
      if (!sup) throw new Error("hero_proc is still starting");
      return sup;
    },
    paths: { state_dir: paths.stateDir, config_dir: paths.configDir, socket: paths.rpcSocket },
    version: VERSION,
    startedAt: Date.now(),
    shutdown: () => void close(),
  });
  const server = new HeroServer({
    name: "hero_proc",
    api,
    socketRoot: paths.socketRoot,
    health: () => (sup ? { status: "ok" } : { status: "degraded", reason: "starting" }),
  });
  await server.start();
  let unlock             = () => {};
  try {
    unlock = lockStateDir(paths.stateDir);
    sup = await Supervisor.open({ stateDir: paths.stateDir, configDir: paths.configDir });
  } catch (err) {
    unlock();
    await server.close();
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
  return { supervisor: sup, server, closed, close };
}
