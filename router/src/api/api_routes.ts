/**
 * The `/api/*` JSON helpers of admin.sock (what the dashboard uses), the discovery manifest
 * with protocol `ui`, `/health`, and a minimal dashboard page at `/`.
 */
import type { ServiceManifest } from "@hero/sdk";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import { rawPath, type RouteHandler } from "./admin_handler.ts";
import { DASHBOARD_HTML } from "./dashboard_page.ts";
import { serviceEventStream } from "./event_stream.ts";
import type { RouterQueries } from "./router_queries.ts";

/** The built-in admin routes. */
export function apiRoutes(
  queries: RouterQueries,
  registry: ServiceRegistryView,
  manifest: ServiceManifest,
): RouteHandler[] {
  const manifestText = JSON.stringify({ ...manifest, protocol: "ui", socket: "admin" });
  const own = new Set(["/", "/health", "/.well-known/heroservice.json", "/api"]);
  return [async (request) => {
    const path = rawPath(request.url);
    // Fast exit for proxied traffic: only a handful of paths belong to the router itself.
    if (!own.has(path) && !path.startsWith("/api/")) return undefined;
    const get = request.method === "GET" || request.method === "HEAD";
    if (path === "/.well-known/heroservice.json" && get) {
      return new Response(manifestText, { headers: { "content-type": "application/json" } });
    }
    if (path === "/" && get) {
      return new Response(DASHBOARD_HTML, {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
      });
    }
    if (path === "/health" && get) return Response.json(queries.health());
    if (path !== "/api" && !path.startsWith("/api/")) return undefined;
    const parts = path.split("/").slice(2);
    if (parts[0] === "events" && parts.length === 1 && get) {
      return serviceEventStream(registry);
    }
    if (parts[0] === "scan" && parts.length === 1) {
      if (request.method !== "POST") return methodNotAllowed("POST");
      return Response.json(await queries.scan());
    }
    if (!get) return methodNotAllowed("GET");
    if (parts[0] === "health" && parts.length === 1) return Response.json(queries.health());
    if (parts[0] === "cache" && parts.length === 1) return Response.json(queries.cacheInspect());
    if (parts[0] === "services" && parts.length === 1) {
      return Response.json({ services: queries.services() });
    }
    if (parts[0] === "services" && (parts.length === 2 || parts.length === 3)) {
      const detail = queries.service(decodeURIComponent(parts[1]));
      if (!detail) return notFound(`no service "${parts[1]}"`);
      if (parts.length === 2) return Response.json(detail);
      if (parts[2] === "openrpc.json") {
        return detail.openrpc
          ? Response.json(detail.openrpc)
          : notFound(`service "${detail.name}" has no OpenRPC document`);
      }
    }
    return notFound(path);
  }];
}

function methodNotAllowed(allow: string): Response {
  return Response.json({ error: `Use ${allow} here` }, { status: 405, headers: { allow } });
}

function notFound(what: string): Response {
  return Response.json({ error: `Not found: ${what}` }, { status: 404 });
}
