/**
 * The answers the router gives about itself and its cache, shared by the JSON-RPC methods on
 * rpc.sock and the `/api/*` helpers on admin.sock so that both always say the same thing.
 */
import type { OpenRpcDocument } from "@hero/sdk";
import type { Discovery, ScanReport } from "../discovery/discovery.ts";
import type { ServiceEntry, ServiceHealth } from "../discovery/service_entry.ts";
import type { ServiceRegistry } from "../discovery/service_registry.ts";
import type { PeerStatus } from "../federation/peer_link.ts";

/** A service with its OpenRPC document. */
export type ServiceDetail = ServiceEntry & { openrpc: OpenRpcDocument | null };

/** The router's own health. */
export interface RouterHealth {
  status: "ok";
  socketRoot: string;
  services: number;
  byHealth: Record<ServiceHealth, number>;
  lastScanAt: string | null;
  pendingProbes: number;
  tcpListeners: string[];
  /** Peer routers and whether each is connected. */
  peers: { name: string; up: boolean }[];
  uptime_s: number;
}

/** Queries over the registry and discovery. */
export class RouterQueries {
  readonly #registry: ServiceRegistry;
  readonly #discovery: Discovery;
  readonly #listeners: () => string[];
  readonly #peers: () => PeerStatus[];
  readonly #startedAt = Date.now();

  /** `listeners` reports the TCP listeners currently bound, `peers` the federated routers. */
  constructor(
    registry: ServiceRegistry,
    discovery: Discovery,
    links: { listeners: () => string[]; peers?: () => PeerStatus[] },
  ) {
    this.#registry = registry;
    this.#discovery = discovery;
    this.#listeners = links.listeners;
    this.#peers = links.peers ?? (() => []);
  }

  /** The peer routers and the state of each link. */
  peers(): PeerStatus[] {
    return this.#peers();
  }

  /** Every service (without documents), sorted by name. */
  services(): ServiceEntry[] {
    return this.#registry.list().map((r) => r.entry);
  }

  /** One service with its OpenRPC document, or undefined. */
  service(name: string): ServiceDetail | undefined {
    const r = this.#registry.get(name);
    return r ? { ...r.entry, openrpc: r.openrpc ?? null } : undefined;
  }

  /** Runs a full scan now and reports what it found. */
  scan(): Promise<ScanReport> {
    return this.#discovery.scanAll();
  }

  /** The router's own health. */
  health(): RouterHealth {
    const byHealth: Record<ServiceHealth, number> = {
      healthy: 0,
      unhealthy: 0,
      non_rpc: 0,
      unknown: 0,
      unreachable: 0,
    };
    for (const { entry } of this.#registry.list()) byHealth[entry.health]++;
    return {
      status: "ok",
      socketRoot: this.#discovery.root,
      services: this.#registry.size,
      byHealth,
      lastScanAt: this.#discovery.lastScanAt ?? null,
      pendingProbes: this.#discovery.pendingProbes,
      tcpListeners: this.#listeners(),
      peers: this.#peers().map((p) => ({ name: p.name, up: p.up })),
      uptime_s: Math.floor((Date.now() - this.#startedAt) / 1000),
    };
  }

  /** What the cache holds, per service, with the size of each OpenRPC document. */
  cacheInspect(): Record<string, unknown> {
    return {
      services: this.#registry.list().map(({ entry, openrpc }) => ({
        name: entry.name,
        source: entry.source,
        health: entry.health,
        probedAt: entry.probedAt ?? null,
        methodCount: entry.methodCount,
        sockets: entry.sockets.map((s) => s.name),
        openrpcBytes: openrpc ? JSON.stringify(openrpc).length : 0,
        error: entry.error ?? null,
      })),
      lastScan: this.#discovery.lastScan ?? null,
      lastScanAt: this.#discovery.lastScanAt ?? null,
      pendingProbes: this.#discovery.pendingProbes,
    };
  }
}
