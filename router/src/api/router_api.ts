/**
 * The `router.*` JSON-RPC methods served on rpc.sock, declared once with their schemas so the
 * OpenRPC document (and the MCP tools built from it) always match the code.
 */
import { defineApi, defineMethod, type RpcApi, RpcError } from "@hero/sdk";
import type { RouterQueries } from "./router_queries.ts";

/** JSON-RPC error code for an unknown service. */
export const SERVICE_NOT_FOUND = -32010;

const NAME_PARAM = {
  name: "name",
  required: true,
  summary: "Service name (directory under the socket root; <peer>/<service> for a peer's)",
  schema: { type: "string", pattern: "^[a-z0-9_]+(/[a-z0-9_]+)?$", maxLength: 129 },
};

const SERVICE_SCHEMA = {
  type: "object",
  required: ["name", "source", "health", "sockets"],
  properties: {
    name: { type: "string" },
    source: { enum: ["socket", "manual", "peer"] },
    host: { type: "string", description: "The peer router that has the service (federation)" },
    health: { enum: ["healthy", "unhealthy", "non_rpc", "unknown", "unreachable"] },
    title: { type: "string" },
    description: { type: "string" },
    version: { type: "string" },
    methodCount: { type: "integer" },
    sockets: { type: "array", items: { type: "object" } },
  },
};

/** Builds the router's API over `queries`. */
export function createRouterApi(queries: RouterQueries, version: string): RpcApi {
  const notFound = (name: string) =>
    new RpcError(SERVICE_NOT_FOUND, `Service "${name}" is not known to the router`, { name });
  return defineApi({
    info: {
      title: "hero_router",
      version,
      description:
        "Discovers Hero services by their sockets, checks their health and proxies them.",
    },
    methods: [
      defineMethod({
        name: "router.services",
        summary: "List every discovered service with its health and sockets",
        params: [],
        result: { name: "services", schema: { type: "array", items: SERVICE_SCHEMA } },
        annotations: { readOnlyHint: true },
        handler: () => queries.services(),
      }),
      defineMethod({
        name: "router.service",
        summary: "One service with its OpenRPC document",
        params: [NAME_PARAM],
        result: { name: "service", schema: SERVICE_SCHEMA },
        errors: [{ code: SERVICE_NOT_FOUND, message: "Service not found" }],
        annotations: { readOnlyHint: true },
        handler: ({ name }: { name: string }) =>
          queries.service(name) ?? Promise.reject(notFound(name)),
      }),
      defineMethod({
        name: "router.openrpc",
        summary: "The OpenRPC document of one service (null if it has none)",
        params: [NAME_PARAM],
        result: { name: "document", schema: { type: ["object", "null"] } },
        errors: [{ code: SERVICE_NOT_FOUND, message: "Service not found" }],
        annotations: { readOnlyHint: true },
        handler: ({ name }: { name: string }) => {
          const s = queries.service(name);
          if (!s) throw notFound(name);
          return s.openrpc;
        },
      }),
      defineMethod({
        name: "router.scan",
        summary: "Rescan the socket root and probe every service now",
        params: [],
        result: { name: "report", schema: { type: "object" } },
        annotations: { readOnlyHint: false, idempotentHint: true },
        handler: () => queries.scan(),
      }),
      defineMethod({
        name: "router.health",
        summary: "The router's own health and a count of services per health state",
        params: [],
        result: { name: "health", schema: { type: "object" } },
        annotations: { readOnlyHint: true },
        handler: () => queries.health(),
      }),
      defineMethod({
        name: "router.peers",
        summary: "The peer routers this router federates: URL, connected or not, services shared",
        params: [],
        result: { name: "peers", schema: { type: "array", items: { type: "object" } } },
        annotations: { readOnlyHint: true },
        handler: () => queries.peers(),
      }),
      defineMethod({
        name: "router.cache.inspect",
        summary: "What the discovery cache holds, per service",
        params: [],
        result: { name: "cache", schema: { type: "object" } },
        annotations: { readOnlyHint: true },
        handler: () => queries.cacheInspect(),
      }),
    ],
  });
}
