/**
 * hero_router assembled: the discovery cache, `rpc.sock` (router.* JSON-RPC, OpenRPC, health,
 * manifest) and the web surface (`server/web_app.ts`: gate, dashboard, /api, SSE, the MCP
 * gateway, the proxy) served on `admin.sock` and, through the TCP front (`front/tcp_front.ts`,
 * which relays proxied requests that pass the gate straight to their socket), on every TCP
 * listener, with single sign-on through hero_auth whenever discovery finds it, and the key that
 * signs caller assertions.
 */
import {
  type Caller,
  type FetchHandler,
  HeroServer,
  type Listener,
  type ServiceManifest,
} from "@hero/sdk";
import { CallerSigner } from "@hero/sdk/internal";
import { createRouterApi } from "../api/router_api.ts";
import { RouterQueries } from "../api/router_queries.ts";
import { Dashboard } from "../dashboard/dashboard.ts";
import { RouterLogRing } from "../dashboard/log_ring.ts";
import { Discovery, type ScanReport } from "../discovery/discovery.ts";
import { ServiceRegistry, type ServiceRegistryView } from "../discovery/service_registry.ts";
import {
  type Authenticator,
  type SessionTokens,
  tokenAuthenticator,
} from "../gate/token_authenticator.ts";
import type { Logger } from "../log/logger.ts";
import { type BindTarget, formatBind } from "../net/bind_spec.ts";
import { IpWhitelist, LOOPBACK_CIDRS } from "../net/ip_whitelist.ts";
import { networkCheck } from "../net/tcp_guard.ts";
import { createMcpGateway, type McpGateway } from "../mcp/gateway.ts";
import { RegistryToolSource } from "../mcp/registry_tool_source.ts";
import { measuredToolSource } from "../metrics/measured_tool_source.ts";
import { RouterMetrics } from "../metrics/router_metrics.ts";
import { Federation } from "../federation/federation.ts";
import type { PeerConfig } from "../federation/peer_config.ts";
import { ReverseProxy } from "../proxy/reverse_proxy.ts";
import { Sso } from "../sso/sso.ts";
import { type FastPath, TcpFront } from "../front/tcp_front.ts";
import { type FrontLoops, listenLooped } from "../front/front_loops.ts";
import { keptFastPath, KeptRoutes } from "../front/kept_routes.ts";
import { createWebApp, isPublicPath, proxyFastPath, type WebAppOptions } from "./web_app.ts";
import { ROUTER_VERSION } from "../version.ts";

/** Everything the router needs to start. */
export interface RouterAppOptions {
  /** The socket root (`$PATH_SOCKET`). */
  socketRoot: string;
  /** TCP listeners to open (may be empty). */
  binds: BindTarget[];
  /** The admin and read-only tokens that TCP callers present. */
  tokens: SessionTokens;
  /**
   * Further ways to prove who a TCP caller is, asked before hero_auth and the tokens. A
   * synchronous answer may be reused for the same head from the same peer for up to a second
   * (`front/kept_routes.ts`): answer with a promise where a credential can be revoked.
   */
  authenticators?: Authenticator[];
  /** Encrypts the hero_auth sign-in cookie; keep it across restarts (default: per process). */
  cookieSecret?: string;
  /** Whitelist CIDRs; default loopback plus the concrete addresses the router binds. */
  whitelist?: string[];
  /** Host names accepted in `Host`/`Origin` besides IP literals and localhost. */
  allowedHosts?: string[];
  probeTimeoutMs?: number;
  scanIntervalMs?: number;
  manualSourcesPath?: string;
  logger: Logger;
  /** Peer routers to federate (their services joined as `<peer>/<service>`). */
  peers?: PeerConfig[];
  /** Silence after which a peer counts as gone, in ms (default 3,500). */
  peerSilenceMs?: number;
  /** The router's recent log lines shown on the dashboard (default: an empty ring). */
  logs?: RouterLogRing;
  /** Event loops accepting on each TCP listener (default 1: the main loop only). */
  frontLoops?: number;
}

/** A running router. */
export class RouterApp {
  /** The discovery cache: what the MCP gateway and others read and follow. */
  readonly registry: ServiceRegistryView;
  readonly #registry = new ServiceRegistry();
  readonly #opts: RouterAppOptions;
  readonly #discovery: Discovery;
  readonly #proxy: ReverseProxy;
  readonly #source: RegistryToolSource;
  readonly #server: HeroServer;
  readonly #whitelist: IpWhitelist;
  readonly #mcp: McpGateway;
  readonly #handler: FetchHandler;
  readonly #routes: { method: string; path: string }[];
  readonly #sso: Sso;
  #signer?: Promise<CallerSigner>;
  /** The signer once made (the fast path asks its cache without a promise). */
  #signerNow?: CallerSigner;
  readonly #fastPath: FastPath;
  #front?: TcpFront;
  /** The extra event loops of each TCP listener. */
  #loops: FrontLoops[] = [];
  /** Moved whenever a fast-path answer kept by any loop may be stale (shared with workers). */
  readonly #generation = new Int32Array(new SharedArrayBuffer(4));
  readonly #metrics: RouterMetrics;
  readonly #federation: Federation;
  readonly #closing = new AbortController();
  #tcp: Listener[] = [];
  #unsubscribe?: () => void;

  /** Builds everything; nothing is bound until {@link start}. */
  constructor(opts: RouterAppOptions) {
    this.#opts = opts;
    this.registry = this.#registry;
    const concrete = opts.binds.map((b) => b.hostname).filter((h) => h !== "0.0.0.0" && h !== "::");
    this.#whitelist = new IpWhitelist(opts.whitelist ?? [...LOOPBACK_CIDRS, ...concrete]);
    const federation = this.#federation = new Federation({
      peers: opts.peers ?? [],
      registry: this.#registry,
      logger: opts.logger,
      silenceMs: opts.peerSilenceMs,
    });
    const metrics = this.#metrics = new RouterMetrics({
      registry: this.#registry,
      peers: () => federation.status(),
    });
    this.#discovery = new Discovery({
      onProbe: (health, seconds) => metrics.probed(health, seconds),
      root: opts.socketRoot,
      registry: this.#registry,
      logger: opts.logger,
      probeTimeoutMs: opts.probeTimeoutMs,
      scanIntervalMs: opts.scanIntervalMs,
      manualSourcesPath: opts.manualSourcesPath,
    });
    const queries = new RouterQueries(this.#registry, this.#discovery, {
      listeners: () => this.tcpAddresses,
      peers: () => federation.status(),
    });
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
    const sign = (caller: Caller, service: string) =>
      this.#callerSigner().then((s) => s.sign(caller, service));
    // One pool of service clients for MCP tool calls and the dashboard's "try it".
    this.#source = new RegistryToolSource(this.#registry, {
      assert: sign,
      // A call that cannot reach a service's socket makes discovery look at it again at once.
      reprobe: (name) => this.#discovery.refreshService(name),
      headers: (target) => federation.headersFor(target),
    });
    this.#sso = new Sso({
      registry: this.#registry,
      proxy: this.#proxy,
      cookieSecret: opts.cookieSecret ?? crypto.randomUUID() + crypto.randomUUID(),
    });
    const sso = this.#sso;
    this.#mcp = createMcpGateway({
      source: measuredToolSource(this.#source, metrics),
      info: { name: "hero_router", version: ROUTER_VERSION },
      allowedOrigins: ["localhost", "127.0.0.1", "[::1]", ...(opts.allowedHosts ?? [])],
      log: (msg) => opts.logger.warn(`mcp: ${msg}`),
    });
    const webOptions: WebAppOptions = {
      gate: {
        network: networkCheck(this.#whitelist, opts.allowedHosts ?? []),
        authenticators: [
          ...(opts.authenticators ?? []),
          sso.authenticator,
          tokenAuthenticator(opts.tokens),
        ],
        tokens: opts.tokens,
        isPublic: (method, path) => isPublicPath(method, path, sso.issuerPath()),
        signIn: sso,
      },
      queries,
      registry: this.#registry,
      manifest,
      dashboard: new Dashboard({
        registry: this.#registry,
        call: (service, method, params, opts) => this.#source.call(service, method, params, opts),
        tools: (service) => this.#mcp.tools(service).tools,
        logs: opts.logs ?? new RouterLogRing(),
      }),
      mcp: this.#mcp,
      proxy: this.#proxy,
      signer: { sign, cached: (caller, service) => this.#signerNow?.cached(caller, service) },
      sso,
      metrics,
      federation,
      closing: this.#closing.signal,
    };
    const web = createWebApp(webOptions);
    this.#fastPath = keptFastPath(
      proxyFastPath(webOptions),
      new KeptRoutes(this.#generation),
      (service, status, started) => metrics.proxied(service, status, started),
    );
    this.#handler = (request, info) => Promise.resolve(web.fetch(request, { info }));
    this.#routes = web.routes.map((r) => ({ method: r.method, path: r.path }));
    this.#server = new HeroServer({
      name: "hero_router",
      api,
      admin: this.#handler,
      socketRoot: opts.socketRoot,
    });
  }

  /** The web surface's `Request -> Response` handler (admin.sock and TCP alike). */
  get webHandler(): FetchHandler {
    return this.#handler;
  }

  /** Every route and middleware of the web surface, in the order they run. */
  get routes(): { method: string; path: string }[] {
    return this.#routes;
  }

  /** TCP requests so far: relayed straight to a service (the fast path), or served by the app. */
  get tcpCounts(): { fast: number; app: number } {
    const main = this.#front?.counts ?? { fast: 0, app: 0 };
    const loops = this.tcpLoopCounts;
    return { fast: main.fast + loops.fast, app: main.app + loops.app };
  }

  /** The part of {@link tcpCounts} the extra event loops took (reported every 250 ms). */
  get tcpLoopCounts(): { fast: number; app: number } {
    const counts = { fast: 0, app: 0 };
    for (const l of this.#loops) {
      counts.fast += l.counts.fast;
      counts.app += l.counts.app;
    }
    return counts;
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

  /** The MCP gateway served at `/mcp` (the dashboard shows its tools per service). */
  get mcp(): McpGateway {
    return this.#mcp;
  }

  /** Binds the sockets, starts discovery (first scan included) and opens the TCP listeners. */
  async start(): Promise<ScanReport> {
    const log = this.#opts.logger;
    // The key that signs caller assertions exists before anything can be proxied.
    await this.#callerSigner();
    this.#unsubscribe = this.#registry.subscribe((e) => {
      // A socket that came or went may change where a kept request head goes.
      Atomics.add(this.#generation, 0, 1);
      if (e.type === "service.changed") {
        log.debug(`${e.type} ${e.service.name} (${e.service.health})`);
      } else log.info(`${e.type} ${e.service.name}`);
    });
    try {
      // TCP first: once rpc.sock answers (hero_proc's health check), the listeners are bound and
      // `router.health` names them.
      const limits = { maxHeaderBytes: 16 * 1024, requestTimeoutMs: 30_000 };
      if (this.#opts.binds.length > 0) {
        this.#front = await TcpFront.start({
          fastPath: this.#fastPath,
          app: this.#handler,
          limits,
        });
      }
      const loops = this.#opts.frontLoops ?? 1;
      for (const b of this.#opts.binds) {
        const looped = await listenLooped(this.#front!, { ...b, loops }, {
          fastPath: this.#fastPath,
          limits,
          proxied: (service, status, started) => this.#metrics.proxied(service, status, started),
          generation: this.#generation,
        }).catch((err: Error) => {
          throw new Error(
            `Cannot start "hero_router": cannot listen on ${formatBind(b)}: ${err.message}`,
          );
        });
        this.#tcp.push(looped.listener);
        if (looped.loops) this.#loops.push(looped.loops);
        const how = looped.loops ? ` (${loops} event loops)` : "";
        log.info(`listening on http://${this.tcpAddresses.at(-1)}${how}`);
        if (looped.fallback) {
          log.warn(`one event loop instead of ${loops} on ${formatBind(b)}: ${looped.fallback}`);
        }
      }
      if (this.#opts.binds.length === 0) {
        log.info("no TCP listener: serving on the Unix sockets only");
      }
      log.info(`IP whitelist: ${this.#whitelist.entries.join(", ")}`);
      await this.#server.start();
      log.info(`rpc.sock at ${this.sockets.rpc}, admin.sock at ${this.sockets.admin}`);
      const report = await this.#discovery.start();
      this.#federation.start();
      log.info(
        `first scan: ${report.services} services, ${report.sockets} sockets in ${report.durationMs} ms`,
      );
      return report;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The key that signs caller assertions: made once, its public half under the socket root. */
  #callerSigner(): Promise<CallerSigner> {
    return this.#signer ??= CallerSigner.create(this.#opts.socketRoot).then((s) =>
      this.#signerNow = s
    );
  }

  /** Stops discovery, closes the TCP listeners and the sockets (removing the socket files). */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#discovery.close();
    this.#federation.close();
    this.#unsubscribe?.();
    await Promise.all(this.#loops.map((l) => l.close()));
    this.#loops = [];
    await Promise.all(this.#tcp.map((l) => l.close().catch(() => {})));
    this.#tcp = [];
    await this.#front?.close();
    this.#front = undefined;
    await this.#mcp.close();
    this.#sso.close();
    await this.#server.close();
    await (await this.#signer?.catch(() => undefined))?.retire();
    this.#proxy.close();
    this.#source.close();
  }
}
