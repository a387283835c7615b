/**
 * Federation: this router follows peer routers (one {@link PeerLink} each) and serves their
 * services as its own, marked by host. Names are `<peer>/<service>` in the registry (dashboard,
 * `router.services`, `/api`), `/<peer>/<service>/<socket>/…` in the proxy, and
 * `<peer>_<service>_<method>` as MCP tools. A peer's name shares the first path segment with
 * local services: a local service of the same name keeps its paths (the peer's are then only
 * reachable by renaming the peer), which is logged once.
 */
import type { ConnectionInfo } from "@hero/sdk";
import type { ServiceRegistry } from "../discovery/service_registry.ts";
import type { Logger } from "../log/logger.ts";
import { parseProxyPath, type ProxyPathError } from "../proxy/proxy_path.ts";
import { rawPathAndQuery } from "../proxy/reverse_proxy.ts";
import type { PeerConfig } from "./peer_config.ts";
import { PeerLink, type PeerStatus } from "./peer_link.ts";
import { peerBadGateway, PeerProxy, type PeerTarget } from "./peer_proxy.ts";

export type { PeerTarget };

/** Settings of federation. */
export interface FederationOptions {
  peers: PeerConfig[];
  registry: ServiceRegistry;
  logger: Logger;
  /** Silence after which a peer counts as gone (default 3,500 ms). */
  silenceMs?: number;
}

interface Peer {
  config: PeerConfig;
  link: PeerLink;
  proxy: PeerProxy;
}

/** The peers of this router. */
export class Federation {
  readonly #peers = new Map<string, Peer>();
  readonly #registry: ServiceRegistry;
  readonly #logger: Logger;
  readonly #shadowed = new Set<string>();

  /** Prepares one link per peer; nothing connects until {@link start}. */
  constructor(opts: FederationOptions) {
    this.#registry = opts.registry;
    this.#logger = opts.logger;
    for (const config of opts.peers) {
      this.#peers.set(config.name, {
        config,
        link: new PeerLink(config, {
          registry: opts.registry,
          logger: opts.logger,
          silenceMs: opts.silenceMs,
        }),
        proxy: new PeerProxy(config),
      });
    }
  }

  /** Whether any peer is configured. */
  get active(): boolean {
    return this.#peers.size > 0;
  }

  /** Connects to every peer (in the background). */
  start(): void {
    for (const p of this.#peers.values()) {
      this.#logger.info(`federating peer ${p.config.name} at ${p.config.url}`);
      p.link.start();
    }
  }

  /** Every peer and the state of its link. */
  status(): PeerStatus[] {
    return [...this.#peers.values()].map((p) => p.link.status());
  }

  /**
   * Where a request for a peer's service goes: a target, why it cannot go anywhere, or
   * undefined when the path does not start with a peer's name (the local proxy's business).
   */
  target(request: Request): PeerTarget | ProxyPathError | undefined {
    if (this.#peers.size === 0) return undefined;
    const raw = rawPathAndQuery(request.url);
    const end = raw.slice(1).search(/[/?]/);
    const first = end < 0 ? raw.slice(1) : raw.slice(1, end + 1);
    const peer = this.#peers.get(first);
    if (!peer) return undefined;
    if (this.#registry.get(first)) {
      if (!this.#shadowed.has(first)) {
        this.#shadowed.add(first);
        this.#logger.warn(
          `peer "${first}" shares its name with a local service: /${first}/… goes to the local one`,
        );
      }
      return undefined;
    }
    const rest = end < 0 ? "/" : raw.slice(end + 1);
    const t = parseProxyPath(rest.startsWith("/") ? rest : `/${rest}`);
    if (!t) {
      return {
        status: 404,
        error: `Not found: give a service after the peer, e.g. /${first}/notes/admin/`,
      };
    }
    if ("error" in t) return t;
    return {
      ...t,
      service: `${first}/${t.service}`,
      prefix: `/${first}${t.prefix}`,
      peer: first,
      remoteService: t.service,
    };
  }

  /** Sends a request to its peer; 502 at once while the peer is unreachable. */
  async forward(
    request: Request,
    info: ConnectionInfo,
    target: PeerTarget,
    body?: Uint8Array,
  ): Promise<Response> {
    const p = this.#peers.get(target.peer)!;
    if (!p.link.up) {
      const why = p.link.status().error ?? "not connected yet";
      return peerBadGateway(target.peer, new Error(`unreachable: ${why}`));
    }
    try {
      return await p.proxy.forward(request, info, target, body);
    } catch (err) {
      // A connection that cannot even be opened: the link is probably cut; say so now.
      if (/no connection within/.test(String(err))) p.link.suspect(String(err));
      return peerBadGateway(target.peer, err);
    }
  }

  /** The peer token for calls to a target on a peer (MCP tools, "try it"), else undefined. */
  headersFor(target: string): Record<string, string> | undefined {
    for (const p of this.#peers.values()) {
      if (target.startsWith(`${p.config.url}/`)) {
        return { authorization: `Bearer ${p.config.token}` };
      }
    }
    return undefined;
  }

  /** Stops following every peer; their services leave the registry. */
  close(): void {
    for (const p of this.#peers.values()) {
      p.link.close();
      p.proxy.close();
    }
  }
}
