/**
 * hero_router's Prometheus metrics (prom-client): proxied requests by service and status with a
 * latency histogram, MCP tool calls, discovery probes, and — read from the discovery cache and
 * the peer links at scrape time — services by health and peers up. The proxy's hot path makes
 * one call per request ({@link RouterMetrics.proxied}) on label children cached here, so a
 * request never builds a label key; `bench/router/metrics_cost.ts` measures what that costs.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServiceHealth } from "../discovery/service_entry.ts";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import { metricsResponse } from "../../../ui/metrics/exposition.ts";
import { ProxyTally } from "./proxy_tally.ts";

/** A peer router as the metrics see it. */
export interface PeerState {
  name: string;
  up: boolean;
  services: number;
}

/** Where scrape-time values come from. */
export interface RouterMetricsOptions {
  registry: ServiceRegistryView;
  /** The peer routers this one federates (none by default). */
  peers?: () => PeerState[];
}

/** The label value of a proxied path whose service the router does not know. */
export const UNKNOWN_SERVICE = "(unknown)";

/** Latency buckets (seconds) for requests through the router: 0.5 ms to 10 s. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HEALTH: ServiceHealth[] = ["healthy", "unhealthy", "non_rpc", "unknown", "unreachable"];

/** The router's metrics and its `/metrics` answer. */
export class RouterMetrics {
  /** Every metric; rendered as Prometheus text or OpenMetrics per scrape. */
  readonly #prom = new Registry();
  readonly #services: ServiceRegistryView;
  readonly #proxy = new ProxyTally(BUCKETS);
  readonly #mcpCalls: Counter<"service" | "outcome">;
  readonly #mcpSeconds: Histogram<"service">;
  readonly #probes: Counter<"result">;
  readonly #probeSeconds: Histogram;

  /** Registers every metric; nothing is collected until a scrape. */
  constructor(opts: RouterMetricsOptions) {
    this.#services = opts.registry;
    const registers = [this.#prom];
    const reg = opts.registry;
    const tally = this.#proxy;
    new Counter({
      name: "hero_router_proxy_requests_total",
      help: "Requests through the reverse proxy, by service and HTTP status",
      labelNames: ["service", "code"],
      registers,
      collect() {
        tally.toCounter(this);
      },
    });
    new Histogram({
      name: "hero_router_proxy_request_duration_seconds",
      help: "Time from a proxied request's arrival to its response head, by service",
      labelNames: ["service"],
      buckets: BUCKETS,
      registers,
      collect() {
        tally.toHistogram(this);
      },
    });
    this.#mcpCalls = new Counter({
      name: "hero_router_mcp_tool_calls_total",
      help: "MCP tool calls (and dashboard try-it calls) by service and outcome (ok, error)",
      labelNames: ["service", "outcome"],
      registers,
    });
    this.#mcpSeconds = new Histogram({
      name: "hero_router_mcp_tool_call_duration_seconds",
      help: "Duration of MCP tool calls, by service",
      labelNames: ["service"],
      buckets: BUCKETS,
      registers,
    });
    this.#probes = new Counter({
      name: "hero_router_discovery_probes_total",
      help: "Discovery probes of services, by the health they found",
      labelNames: ["result"],
      registers,
    });
    this.#probeSeconds = new Histogram({
      name: "hero_router_discovery_probe_duration_seconds",
      help: "Duration of one service probe (OpenRPC, health, manifest)",
      buckets: BUCKETS,
      registers,
    });
    new Gauge({
      name: "hero_router_services",
      help: "Services in the discovery cache, by health",
      labelNames: ["health"],
      registers,
      collect() {
        const counts = new Map(HEALTH.map((h) => [h, 0]));
        for (const { entry } of reg.list()) {
          counts.set(entry.health, (counts.get(entry.health) ?? 0) + 1);
        }
        for (const [health, n] of counts) this.labels(health).set(n);
      },
    });
    new Gauge({
      name: "hero_router_service_up",
      help: "1 if the service answered its last health probe healthy, else 0 (host: its peer)",
      labelNames: ["service", "host"],
      registers,
      collect() {
        this.reset();
        for (const { entry } of reg.list()) {
          this.labels(entry.name, entry.host ?? "").set(entry.health === "healthy" ? 1 : 0);
        }
      },
    });
    const peers = opts.peers ?? (() => []);
    new Gauge({
      name: "hero_router_peer_up",
      help: "1 while the peer router's service feed is connected, else 0",
      labelNames: ["peer"],
      registers,
      collect() {
        this.reset();
        for (const p of peers()) this.labels(p.name).set(p.up ? 1 : 0);
      },
    });
    new Gauge({
      name: "hero_router_peer_services",
      help: "Services a peer router shares with this one",
      labelNames: ["peer"],
      registers,
      collect() {
        this.reset();
        for (const p of peers()) this.labels(p.name).set(p.services);
      },
    });
  }

  /**
   * Counts one proxied request and its time to the response head (`startedMs` from
   * `performance.now()`); services the router does not know share one label value.
   */
  proxied(service: string, status: number, startedMs: number): void {
    const seconds = (performance.now() - startedMs) / 1000;
    const t = this.#proxy;
    let s = t.get(service);
    if (!s) {
      const known = service === UNKNOWN_SERVICE || this.#services.get(service) !== undefined;
      s = t.open(known ? service : UNKNOWN_SERVICE);
    }
    s.add(status, seconds);
  }

  /** Counts one MCP tool call. */
  toolCall(service: string, ok: boolean, seconds: number): void {
    this.#mcpCalls.labels(service, ok ? "ok" : "error").inc();
    this.#mcpSeconds.labels(service).observe(seconds);
  }

  /** Counts one discovery probe and the health it found. */
  probed(result: ServiceHealth, seconds: number): void {
    this.#probes.labels(result).inc();
    this.#probeSeconds.observe(seconds);
  }

  /** The `/metrics` response: OpenMetrics when the scraper asks for it, else Prometheus text. */
  response(accept: string | null): Promise<Response> {
    return metricsResponse(this.#prom, accept);
  }
}
