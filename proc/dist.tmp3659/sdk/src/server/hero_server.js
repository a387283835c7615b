/**
 * HeroServer: binds a service's sockets (`rpc.sock` plus optional admin, rest, openapi and web
 * sockets) in `<root>/<service>/`, with owner-only permissions, stale-socket recovery and a
 * graceful shutdown that removes what it created.
 */
import { HeroError } from "../errors/hero_error.js";
                                                
import { currentRuntime } from "../runtime/current.js";
                                                                           
import { claimSocketPath } from "../socket/claim_socket.js";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.js";
import { DEFAULT_SERVER_LIMITS,                   } from "./limits.js";
                                                                  
import { createRpcSocketHandler } from "./rpc_socket_handler.js";
import { createUiSocketHandler } from "./ui_socket_handler.js";

/** Options of a {@link HeroServer}. */
                                    
                                                                    
               
                                                                                       
              
                                                  
                       
                                                       
                                     
                                 
                      
                                                   
                       
                                                                                             
                      
                                               
                                 
                                                 
                    
 

/** A bound socket: its role and path. */
                              
                 
               
 

/** A Hero service's socket server. */
export class HeroServer {
           #opts                   ;
           #limits              ;
           #shutdown = new AbortController();
  #listeners                                         = [];
  #closing                ;
  #removeSignalHandlers             ;

  /** Validates the options; nothing is bound until {@link start}. */
  constructor(opts                   ) {
    this.#opts = opts;
    this.#limits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
  }

  /** The socket paths this server binds (or would bind). */
  get sockets()                {
    return this.#plan().map(({ socket, path }) => ({ socket, path }));
  }

  /** The rpc socket path. */
  get rpcSocketPath()         {
    return this.#plan()[0].path;
  }

  /** Binds every socket; on failure, whatever was bound is released again. */
  async start()                {
    const runtime = this.#runtime();
    const plan = this.#plan();
    await runtime.makeDir(dirOf(plan[0].path), 0o700);
    try {
      for (const { path, handler } of plan) {
        await claimSocketPath(path, runtime, this.#opts.name);
        const listener = await runtime.serveUnix(path, handler, this.#limits);
        this.#listeners.push({ listener, path });
        await runtime.chmod(path, 0o600);
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Closes on SIGINT/SIGTERM; resolves once closed. Call after {@link start}. */
  closeOnSignal()                {
    return new Promise((resolve) => {
      this.#removeSignalHandlers = this.#runtime().onShutdownSignal(() => {
        this.close().then(resolve);
      });
    });
  }

  /** Stops accepting, cancels running calls after the grace period, removes the socket files. */
  close()                {
    this.#closing ??= (async () => {
      this.#removeSignalHandlers?.();
      const runtime = this.#runtime();
      const grace = setTimeout(() => this.#shutdown.abort(), 2000);
      await Promise.all(this.#listeners.map(({ listener }) => listener.close().catch(() => {})));
      clearTimeout(grace);
      this.#shutdown.abort();
      await Promise.all(this.#listeners.map(({ path }) => runtime.removeFile(path)));
      this.#listeners = [];
    })();
    return this.#closing;
  }

  #runtime()          {
    return this.#opts.runtime ?? currentRuntime();
  }

  #plan()                                                            {
    const o = this.#opts;
    const runtime = this.#runtime();
    const root = o.socketRoot ??
      resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() });
    const paths = serviceSocketPaths(root, o.name);
    const info = o.api.document.info;
    const manifest = (protocol                  , socket        )                  => ({
      protocol,
      name: o.name,
      title: info.title,
      version: info.version,
      description: info.description ?? "",
      socket,
    });
    const startedAt = Date.now();
    const plan = [{
      socket: "rpc",
      path: paths.rpc,
      handler: createRpcSocketHandler({
        api: o.api,
        manifest: manifest("openrpc", "rpc"),
        limits: this.#limits,
        health: o.health,
        startedAt,
        shutdownSignal: this.#shutdown.signal,
      }),
    }];
    const ui = (socket        , path        , handler              ) =>
      plan.push({ socket, path, handler: createUiSocketHandler(handler, manifest("ui", socket)) });
    if (o.admin) ui("admin", paths.admin, o.admin);
    if (o.rest) ui("rest", paths.rest, o.rest);
    for (const [name, handler] of Object.entries(o.web ?? {})) {
      ui(`web_${name}`, paths.web(name), handler);
    }
    return plan;
  }
}

function dirOf(path        )         {
  const i = path.lastIndexOf("/");
  if (i <= 0) throw new HeroError("BAD_SOCKET_PATH", `Socket path has no directory: ${path}`);
  return path.slice(0, i);
}
