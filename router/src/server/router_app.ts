/**
 * hero_router assembled: the discovery cache, `rpc.sock` (router.* JSON-RPC, OpenRPC, health,
 * manifest) and `admin.sock` (dashboard, /api, SSE, the MCP gateway at /mcp, mounted routes,
 * proxy) through the SDK's
 * HeroServer, plus the guarded TCP listeners serving exactly what admin.sock serves.
 */
import { currentRuntime, HeroServer, type Listener, type ServiceManifest } from "@hero/sdk";
import { type AdminHandler, createAdminHandler, type RouteHandler } from "../api/admin_handler.ts";
import { apiRoutes } from "../api/api_routes.ts";
import { createRouterApi } from "../api/router_api.ts";
import { RouterQueries } from "../api/router_queries.ts";
import { Discovery, type ScanReport } from "../discovery/discovery.ts";
import { ServiceRegistry, type ServiceRegistryView } from "../discovery/service_registry.ts";
import type { Logger } from "../log/logger.ts";
import { type BindTarget, formatBind } from "../net/bind_spec.ts";
import { IpWhitelist, LOOPBACK_CIDRS } from "../net/ip_whitelist.ts";
import { guardTcp } from "../net/tcp_guard.ts";
import { createMcpGateway, type McpGateway } from "../mcp/gateway.ts";
import { RegistryToolSource } from "../mcp/registry_tool_source.ts";
import { ReverseProxy } from "../proxy/reverse_proxy.ts";

/** The router's version, reported in its OpenRPC document and manifests. */
export const ROUTER_VERSION = "0.1.0";

/** Everything the router needs to start. */
export interface RouterAppOptions {
  /** The socket root (`$PATH_SOCKET`). */
  socketRoot: string;
  /** TCP listeners to open (may be empty). */
  binds: BindTarget[];
  /** Whitelist CIDRs; default loopback plus the concrete addresses the router binds. */
  whitelist?: string[];
  /** Host names accepted in `Host`/`Origin` besides IP literals and localhost. */
  allowedHosts?: string[];
  probeTimeoutMs?: number;
  scanIntervalMs?: number;
  manualSourcesPath?: string;
  logger: Logger;
}

/** A running router. */
export class RouterApp {
  /** The discovery cache: what the MCP gateway and others read and follow. */
  readonly registry: ServiceRegistryView;
  readonly #registry = new ServiceRegistry();
  readonly #o: RouterAppOptions;
  readonly #discovery: Discovery;
  readonly #proxy: ReverseProxy;
  readonly #admin: AdminHandler;
  readonly #server: HeroServer;
  readonly #whitelist: IpWhitelist;
  readonly #mcp: McpGateway;
  #tcp: Listener[] = [];
  #unsubscribe?: () => void;

  /** Builds everything; nothing is bound until {@link start}. */
  constructor(opts: RouterAppOptions) {
    this.#o = opts;
    this.registry = this.#registry;
    const concrete = opts.binds.map((b) => b.hostname).filter((h) => h !== "0.0.0.0" && h !== "::");
    this.#whitelist = new IpWhitelist(opts.whitelist ?? [...LOOPBACK_CIDRS, ...concrete]);
    this.#discovery = new Discovery({
      root: opts.socketRoot,
      registry: this.#registry,
      logger: opts.logger,
      probeTimeoutMs: opts.probeTimeoutMs,
      scanIntervalMs: opts.scanIntervalMs,
      manualSourcesPath: opts.manualSourcesPath,
    });
    const queries = new RouterQueries(this.#registry, this.#discovery, () => this.tcpAddresses);
    const api = createRouterApi(queries, ROUTER_VERSION);
    const manifest: ServiceManifest = {
      protocol: "ui",
      name: "hero_router",
      title: "hero_router",
      version: ROUTER_VERSION,
      description: api.document.info.description ?? "",
      socket: "admin",
    };
    this.#proxy = new ReverseProxy({
      root: opts.socketRoot,
      registry: this.#registry,
      refresh: (name) => void this.#discovery.refreshService(name).catch(() => {}),
    });
    this.#admin = createAdminHandler(
      apiRoutes(queries, this.#registry, manifest),
      (req, info) => this.#proxy.handle(req, info),
    );
    // Every OpenRPC method of every discovered service as an MCP tool, at /mcp and /mcp/<name>.
    this.#mcp = createMcpGateway({
      source: new RegistryToolSource(this.#registry, {
        reprobe: (name) => this.#discovery.refreshService(name),
      }),
      info: { name: "hero_router", version: ROUTER_VERSION },
      allowedOrigins: ["localhost", "127.0.0.1", "[::1]", ...(opts.allowedHosts ?? [])],
      log: (msg) => opts.logger.warn(`mcp: ${msg}`),
    });
    this.#admin.mount((req) => isMcpPath(req.url) ? this.#mcp.handler(req) : undefined);
    this.#server = new HeroServer({
      name: "hero_router",
      api,
      admin: this.#admin.handler,
      socketRoot: opts.socketRoot,
    });
  }

  /** The `Request -> Response` handler of admin.sock (TCP adds the guard in front). */
  get adminHandler(): AdminHandler["handler"] {
    return this.#admin.handler;
  }

  /** Bound TCP listeners as `host:port`. */
  get tcpAddresses(): string[] {
    return this.#tcp.map((l) =>
      l.address.includes(":") && !l.address.startsWith("[") &&
        l.address.split(":").length > 2
        ? `[${l.address.slice(0, l.address.lastIndexOf(":"))}]:${l.port}`
        : l.address
    );
  }

  /** The rpc.sock and admin.sock paths. */
  get sockets(): { rpc: string; admin: string } {
    const s = this.#server.sockets;
    return { rpc: s[0].path, admin: s[1].path };
  }

  /** Mounts extra admin routes (e.g. the MCP gateway at `/mcp`), tried before the proxy. */
  mount(route: RouteHandler): void {
    this.#admin.mount(route);
  }

  /** The MCP gateway served at `/mcp` (the dashboard shows its tools per service). */
  get mcp(): McpGateway {
    return this.#mcp;
  }

  /** Mounts admin routes tried before the built-in ones (the dashboard). */
  mountFirst(route: RouteHandler): void {
    this.#admin.mountFirst(route);
  }

  /** Binds the sockets, starts discovery (first scan included) and opens the TCP listeners. */
  async start(): Promise<ScanReport> {
    const log = this.#o.logger;
    await this.#server.start();
    log.info(`rpc.sock at ${this.sockets.rpc}, admin.sock at ${this.sockets.admin}`);
    this.#unsubscribe = this.#registry.subscribe((e) => {
      if (e.type === "service.changed") {
        log.debug(`${e.type} ${e.service.name} (${e.service.health})`);
      } else log.info(`${e.type} ${e.service.name}`);
    });
    try {
      const runtime = currentRuntime();
      const guarded = guardTcp(this.#admin.handler, this.#whitelist, this.#o.allowedHosts ?? []);
      for (const b of this.#o.binds) {
        const listener = await runtime.serveTcp(b.hostname, b.port, guarded, {
          maxHeaderBytes: 16 * 1024,
          requestTimeoutMs: 30_000,
        }).catch((err: Error) => {
          throw new Error(
            `Cannot start "hero_router": cannot listen on ${formatBind(b)}: ${err.message}`,
          );
        });
        this.#tcp.push(listener);
        log.info(`listening on http://${this.tcpAddresses.at(-1)}`);
      }
      if (this.#o.binds.length === 0) log.info("no TCP listener: serving on the Unix sockets only");
      log.info(`IP whitelist: ${this.#whitelist.entries.join(", ")}`);
      const report = await this.#discovery.start();
      log.info(
        `first scan: ${report.services} services, ${report.sockets} sockets in ${report.durationMs} ms`,
      );
      return report;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Stops discovery, closes the TCP listeners and the sockets (removing the socket files). */
  async close(): Promise<void> {
    this.#discovery.close();
    this.#unsubscribe?.();
    await Promise.all(this.#tcp.map((l) => l.close().catch(() => {})));
    this.#tcp = [];
    await this.#mcp.close();
    await this.#server.close();
    this.#proxy.close();
  }
}

/** True for `/mcp` and `/mcp/...` (the gateway's mount path). */
function isMcpPath(url: string): boolean {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
  return path === "/mcp" || path.startsWith("/mcp/") || path.startsWith("/mcp?");
}
