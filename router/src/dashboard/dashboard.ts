/**
 * hero_router's dashboard as one admin route: the pages (overview, one per service, router
 * logs), the shared theme and page modules, and the JSON the pages need beyond the router's own
 * `/api/*`: a method call for "try it", a service's MCP tools, live probe timings and the router
 * log (also live over SSE). Calls are refused to clients without the admin session.
 */
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import type { RouteHandler } from "../api/admin_handler.ts";
import { staticResponse, themeAsset } from "../../../ui/theme/theme_assets.ts";
import {
  canMutate,
  forbidden,
  mutationProblem,
  tokenLogin,
} from "../../../ui/session/admin_session.ts";
import type { RouterLogRing } from "./log_ring.ts";
import { renderDashboardPage } from "./pages.ts";
import { probeTimings } from "./probe_timing.ts";

/** The outcome of a "try it" call. */
export type CallOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { code: number; message: string; data?: unknown } };

/** What the dashboard needs from the router. */
export interface DashboardOptions {
  registry: ServiceRegistryView;
  /** Calls a method of a service (the MCP gateway's tool source does this). */
  call(
    service: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    signal?: AbortSignal,
  ): Promise<CallOutcome>;
  /** The MCP tools of one service, as `tools/list` returns them. */
  tools(service: string): unknown[];
  /** The router's recent log lines. */
  logs: RouterLogRing;
  /** The admin session token. */
  token: string;
}

const PAGE_MODULES = new Set([
  "overview.js",
  "service.js",
  "router_logs.js",
  "json_form.js",
  "nav.js",
]);
const MAX_CALL_BODY = 1024 * 1024;

/** Builds the dashboard route (mount it before the built-in `/`). */
export function createDashboard(o: DashboardOptions): RouteHandler {
  return async (request, info) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const get = request.method === "GET" || request.method === "HEAD";
    const html = (page: Parameters<typeof renderDashboardPage>[0]) =>
      tokenLogin(request, o.token) ??
        new Response(renderDashboardPage(page, canMutate(request, info, o.token)), {
          headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
        });
    if (get && (path === "/" || path === "/home")) return html({ kind: "overview" });
    if (get && path === "/router-logs") return html({ kind: "logs" });
    if (get && path.startsWith("/service/")) {
      const name = decodeURIComponent(path.slice("/service/".length));
      return /^[a-z0-9_]+$/.test(name) ? html({ kind: "service", name }) : undefined;
    }
    if (get && path.startsWith("/css/")) return themeAsset(path.slice(5));
    if (get && path.startsWith("/js/dashboard/")) {
      const file = path.slice("/js/dashboard/".length);
      if (!PAGE_MODULES.has(file)) return undefined;
      return staticResponse(
        new URL(`./static/${file}`, import.meta.url),
        "text/javascript; charset=utf-8",
      );
    }
    if (get && path === "/js/hero_ui.js") return themeAsset("hero_ui.js");
    if (get && path === "/favicon.svg") return favicon();
    if (path === "/api/scan" && request.method === "POST") {
      // The router's own rescan route sits behind the same session rule as every other action.
      const problem = mutationProblem(request, info, o.token);
      return problem ? forbidden(problem) : undefined;
    }
    if (!path.startsWith("/api/dashboard/") && !path.startsWith("/api/router-logs")) {
      return undefined;
    }
    if (path === "/api/router-logs" && get) {
      return Response.json({ lines: o.logs.since(Number(url.searchParams.get("after") ?? 0)) });
    }
    if (path === "/api/router-logs/stream" && get) return logStream(o.logs, request.signal);
    const parts = path.split("/").slice(3).map(decodeURIComponent);
    if (parts[0] === "tools" && parts.length === 2 && get) {
      if (!o.registry.get(parts[1])) return notFound(`no service "${parts[1]}"`);
      return Response.json({ tools: o.tools(parts[1]) });
    }
    if (parts[0] === "probe" && parts.length === 2 && get) {
      const record = o.registry.get(parts[1]);
      if (!record) return notFound(`no service "${parts[1]}"`);
      return Response.json({ entry: record.entry, timings: await probeTimings(record.entry) });
    }
    if (parts[0] === "call" && parts.length === 1) {
      if (request.method !== "POST") {
        return Response.json({ error: "Use POST here" }, {
          status: 405,
          headers: { allow: "POST" },
        });
      }
      const problem = mutationProblem(request, info, o.token);
      if (problem) return forbidden(problem);
      return await tryCall(o, request);
    }
    return notFound(path);
  };
}

async function tryCall(o: DashboardOptions, request: Request): Promise<Response> {
  const text = await request.text();
  if (text.length > MAX_CALL_BODY) return badRequest("The request body is larger than 1 MiB");
  let body: { service?: unknown; method?: unknown; params?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return badRequest("The request body is not JSON");
  }
  const { service, method } = body;
  const params = body.params ?? {};
  if (typeof service !== "string" || typeof method !== "string") {
    return badRequest('Give "service" and "method" as strings');
  }
  if (typeof params !== "object" || params === null) {
    return badRequest('"params" must be an object or an array');
  }
  if (!o.registry.get(service)) return notFound(`no service "${service}"`);
  const started = performance.now();
  const outcome = await o.call(
    service,
    method,
    params as Record<string, unknown>,
    AbortSignal.timeout(30_000),
  );
  return Response.json({ ...outcome, ms: Math.round((performance.now() - started) * 10) / 10 });
}

function logStream(logs: RouterLogRing, signal: AbortSignal): Response {
  const enc = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (t: string) => {
        try {
          controller.enqueue(enc.encode(t));
        } catch {
          stop();
        }
      };
      send(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(logs.since(0))}\n\n`);
      const unfollow = logs.follow((l) => send(`event: line\ndata: ${JSON.stringify(l)}\n\n`));
      const keepalive = setInterval(() => send(": keepalive\n\n"), 15_000);
      stop = () => {
        unfollow();
        clearInterval(keepalive);
      };
      signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch { /* already closed */ }
      }, { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

function favicon(): Response {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><defs>` +
    `<linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7c5cff"/>` +
    `<stop offset="1" stop-color="#22d3ee"/></linearGradient></defs><rect width="64" height="64" ` +
    `rx="16" fill="url(#g)"/><text x="32" y="44" font-size="34" font-family="sans-serif" ` +
    `font-weight="800" text-anchor="middle" fill="#fff">H</text></svg>`;
  return new Response(svg, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" },
  });
}

function notFound(what: string): Response {
  return Response.json({ error: `Not found: ${what}` }, { status: 404 });
}

function badRequest(message: string): Response {
  return Response.json({ error: message }, { status: 400 });
}
