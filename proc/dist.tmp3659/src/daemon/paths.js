/**
 * Where hero_proc keeps things: state (`~/hero/var/hero_proc`, `--state-dir`,
 * `HERO_PROC_STATE_DIR`), declarative services (`~/hero/cfg/hero_proc`, `--config-dir`,
 * `HERO_PROC_CONFIG_DIR`) and sockets (the SDK's root: `PATH_SOCKET`, `HERO_SOCKET_DIR`).
 */
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { resolveSocketRoot, serviceSocketPaths } from "../../sdk/mod.js";

/** Resolved locations. */
                            
                   
                    
                     
                                  
                    
 

/** Flags that override the environment. */
                            
                    
                     
                     
 

/** Resolves paths: flag, then environment, then the default under the home directory. */
export function resolvePaths(
  flags            = {},
  env                    = process.env,
)            {
  const home = env.HOME || os.homedir();
  const stateDir = path.resolve(
    flags.stateDir || env.HERO_PROC_STATE_DIR || path.join(home, "hero/var/hero_proc"),
  );
  const configDir = path.resolve(
    flags.configDir || env.HERO_PROC_CONFIG_DIR || path.join(home, "hero/cfg/hero_proc"),
  );
  const socketRoot = path.resolve(
    flags.socketDir || resolveSocketRoot({ env: (k) => env[k], homeDir: home }),
  );
  return {
    stateDir,
    configDir,
    socketRoot,
    rpcSocket: serviceSocketPaths(socketRoot, "hero_proc").rpc,
  };
}
