/**
 * HeroServer: binds a service's sockets (`rpc.sock` plus optional admin, rest, openapi and web
 * sockets) in `<root>/<service>/`, with owner-only permissions, stale-socket recovery and a
 * graceful shutdown that removes what it created.
 */
import { CallerVerifier } from "../caller/caller_assertion.ts";
import { withCaller } from "./resolve_caller.ts";
import { HeroError } from "../errors/hero_error.ts";
import type { RpcApi } from "../openrpc/api.ts";
import { currentRuntime } from "../runtime/current.ts";
import type {
  FetchHandler,
  Listener,
  NodeRequestListener,
  Runtime,
  ServeHooks,
  UpgradeHandler,
} from "../runtime/types.ts";
import { claimSocketPath } from "../socket/claim_socket.ts";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.ts";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./limits.ts";
import type { HealthCheck, ServiceManifest } from "./manifest.ts";
import { createRpcSocketHandler } from "./rpc_socket_handler.ts";
import { createUiSocketHandler } from "./ui_socket_handler.ts";

/**
 * Options of a {@link HeroServer}.
 *
 * @example
 * ```ts
 * import { defineApi, HeroServer, type HeroServerOptions } from "@hero/sdk";
 * const options: HeroServerOptions = {
 *   name: "notes",
 *   api: defineApi({ info: { title: "Notes", version: "1.0.0" }, methods: [] }),
 *   admin: () => Promise.resolve(new Response("<h1>Notes</h1>", { headers: { "content-type": "text/html" } })),
 *   health: () => ({ status: "ok" }),
 * };
 * const server = new HeroServer(options);
 * ```
 */
export interface HeroServerOptions {
  /** Service name: `[a-z0-9_]+`, also the socket directory name. */
  name: string;
  /** The API served on `rpc.sock`; its `info` gives title, version and description. */
  api: RpcApi;
  /** Handler for `admin.sock` (HTML admin UI). */
  admin?: FetchHandler;
  /** Node only: takes over Upgrade requests (WebSockets) on `admin.sock`. */
  adminUpgrade?: UpgradeHandler;
  /** Handlers for `web_<name>.sock`, keyed by name. */
  web?: Record<string, FetchHandler>;
  /**
   * Node only: `web_<name>.sock` sockets served by a `node:http` request listener (for
   * libraries such as oidc-provider); the SDK still answers the discovery manifest.
   */
  webNode?: Record<string, NodeRequestListener>;
  /** Handler for `rest.sock`. */
  rest?: FetchHandler;
  /** Reports degraded/down states in `/health`. */
  health?: HealthCheck;
  /** Socket root; defaults to `$PATH_SOCKET`, `$HERO_SOCKET_DIR` or `~/hero/var/sockets`. */
  socketRoot?: string;
  /** Overrides of the default input limits. */
  limits?: Partial<ServerLimits>;
  /** Runtime adapter; detected automatically. */
  runtime?: Runtime;
}

/**
 * A bound socket: its role and path.
 *
 * @example
 * ```ts
 * import { type BoundSocket, defineApi, HeroServer } from "@hero/sdk";
 * const api = defineApi({ info: { title: "Notes", version: "1.0.0" }, methods: [] });
 * const sockets: BoundSocket[] = new HeroServer({ name: "notes", api }).sockets;
 * // [{ socket: "rpc", path: ".../notes/rpc.sock" }]
 * ```
 */
export interface BoundSocket {
  /** The socket's role: `rpc`, `admin`, `rest`, `openapi` or `web_<name>`. */
  socket: string;
  /** The socket's file path. */
  path: string;
}

/**
 * A Hero service's socket server.
 *
 * @example
 * ```ts
 * import { defineApi, HeroServer } from "@hero/sdk";
 * const api = defineApi({ info: { title: "Notes", version: "1.0.0" }, methods: [] });
 * const server = new HeroServer({ name: "notes", api });
 * await server.start(); // binds <socket root>/notes/rpc.sock
 * await server.closeOnSignal(); // serves until SIGINT/SIGTERM
 * ```
 */
export class HeroServer {
  readonly #opts: HeroServerOptions;
  readonly #limits: ServerLimits;
  readonly #shutdown = new AbortController();
  #listeners: { listener: Listener; path: string }[] = [];
  #closing?: Promise<void>;
  #removeSignalHandlers?: () => void;

  /** Validates the options; nothing is bound until {@link start}. */
  constructor(opts: HeroServerOptions) {
    this.#opts = opts;
    this.#limits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
  }

  /** The socket paths this server binds (or would bind). */
  get sockets(): BoundSocket[] {
    return this.#plan().map(({ socket, path }) => ({ socket, path }));
  }

  /** The rpc socket path. */
  get rpcSocketPath(): string {
    return this.#plan()[0].path;
  }

  /** Binds every socket; on failure, whatever was bound is released again. */
  async start(): Promise<void> {
    const runtime = this.#runtime();
    const plan = this.#plan();
    await runtime.makeDir(dirOf(plan[0].path), 0o700);
    try {
      for (const { path, handler, hooks } of plan) {
        await claimSocketPath(path, runtime, this.#opts.name);
        const listener = await runtime.serveUnix(path, handler, this.#limits, hooks);
        this.#listeners.push({ listener, path });
        await runtime.chmod(path, 0o600);
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Closes on SIGINT/SIGTERM; resolves once closed. Call after {@link start}. */
  closeOnSignal(): Promise<void> {
    return new Promise((resolve) => {
      this.#removeSignalHandlers = this.#runtime().onShutdownSignal(() => {
        this.close().then(resolve);
      });
    });
  }

  /** Stops accepting, cancels running calls after the grace period, removes the socket files. */
  close(): Promise<void> {
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

  #runtime(): Runtime {
    return this.#opts.runtime ?? currentRuntime();
  }

  #plan(): { socket: string; path: string; handler: FetchHandler; hooks?: ServeHooks }[] {
    const opts = this.#opts;
    const runtime = this.#runtime();
    const root = opts.socketRoot ??
      resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() });
    const paths = serviceSocketPaths(root, opts.name);
    const info = opts.api.document.info;
    const manifest = (protocol: "openrpc" | "ui", socket: string): ServiceManifest => ({
      protocol,
      name: opts.name,
      title: info.title,
      version: info.version,
      description: info.description ?? "",
      socket,
    });
    const startedAt = Date.now();
    // Every socket learns who calls from hero_router's signed assertion (or is the owner's).
    const verifier = new CallerVerifier(root, opts.name);
    const plan: { socket: string; path: string; handler: FetchHandler; hooks?: ServeHooks }[] = [{
      socket: "rpc",
      path: paths.rpc,
      handler: withCaller(
        createRpcSocketHandler({
          api: opts.api,
          manifest: manifest("openrpc", "rpc"),
          limits: this.#limits,
          health: opts.health,
          startedAt,
          shutdownSignal: this.#shutdown.signal,
        }),
        verifier,
      ),
    }];
    const ui = (socket: string, path: string, handler: FetchHandler, hooks?: ServeHooks) =>
      plan.push({
        socket,
        path,
        handler: withCaller(createUiSocketHandler(handler, manifest("ui", socket)), verifier),
        hooks,
      });
    if (opts.admin) ui("admin", paths.admin, opts.admin, { onUpgrade: opts.adminUpgrade });
    if (opts.rest) ui("rest", paths.rest, opts.rest);
    for (const [name, handler] of Object.entries(opts.web ?? {})) {
      ui(`web_${name}`, paths.web(name), handler);
    }
    for (const [name, nodeListener] of Object.entries(opts.webNode ?? {})) {
      ui(
        `web_${name}`,
        paths.web(name),
        () => Promise.resolve(new Response(null, { status: 404 })),
        {
          nodeListener,
          takeNodeRequest: (pathname) => pathname !== "/.well-known/heroservice.json",
        },
      );
    }
    return plan;
  }
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  if (i <= 0) throw new HeroError("BAD_SOCKET_PATH", `Socket path has no directory: ${path}`);
  return path.slice(0, i);
}
