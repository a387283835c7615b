/**
 * hero_router's dashboard: the pages (overview, one per service, router logs), the shared theme
 * and page modules, and the JSON the pages need beyond the router's own `/api/*`: a method call
 * for "try it", a service's MCP tools, live probe timings and the router log (also live over
 * SSE). The routes and who may use them are declared in the web app (`server/web_app.ts`).
 */
import type { Caller } from "@hero/sdk";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import { staticResponse, themeAsset } from "../../../ui/theme/theme_assets.ts";
import { eventStream } from "../../../ui/sse/event_stream.ts";
import type { RouterLogRing } from "./log_ring.ts";
import { type DashboardPage, renderDashboardPage } from "./pages.ts";
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
    opts: { signal?: AbortSignal; caller?: Caller },
  ): Promise<CallOutcome>;
  /** The MCP tools of one service, as `tools/list` returns them. */
  tools(service: string): unknown[];
  /** The router's recent log lines. */
  logs: RouterLogRing;
}

const PAGE_MODULES = new Set([
  "overview.js",
  "service.js",
  "router_logs.js",
  "json_form.js",
  "nav.js",
]);
const MAX_CALL_BODY = 1024 * 1024;

/** A "try it" request, checked: which method of which service, with which params. */
export interface TryItCall {
  service: string;
  method: string;
  params: Record<string, unknown> | unknown[];
}

/** The dashboard's handlers; the web app maps them to routes. */
export class Dashboard {
  readonly #opts: DashboardOptions;

  /** Creates the dashboard over the registry, a method caller and the log ring. */
  constructor(opts: DashboardOptions) {
    this.#opts = opts;
  }

  /** A full page; `canMutate` shows the admin controls. */
  page(page: DashboardPage, canMutate: boolean): Response {
    if (page.kind === "service" && !/^[a-z0-9_]+$/.test(page.name)) {
      return notFound(`no service "${page.name}"`);
    }
    return new Response(renderDashboardPage(page, canMutate), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    });
  }

  /** A page module under `/js/dashboard/`. */
  module(file: string): Promise<Response> | Response {
    if (!PAGE_MODULES.has(file)) return notFound(`/js/dashboard/${file}`);
    return staticResponse(
      new URL(`./static/${file}`, import.meta.url),
      "text/javascript; charset=utf-8",
    );
  }

  /** A theme asset (`hero.css`, `hero_ui.js`). */
  async asset(file: string): Promise<Response> {
    return (await themeAsset(file)) ?? notFound(file);
  }

  /** The Hero logo. */
  favicon(): Response {
    return favicon();
  }

  /** The router's log lines after `after`. */
  logLines(after: number): Response {
    return Response.json({ lines: this.#opts.logs.since(after) });
  }

  /** The router's log lines, live. */
  logStream(signal: AbortSignal): Response {
    const logs = this.#opts.logs;
    return eventStream((sink) => {
      sink.send({ event: "snapshot", data: logs.since(0) });
      return logs.follow((line) => sink.send({ event: "line", data: line }));
    }, { signal });
  }

  /** The MCP tools of one service. */
  tools(service: string): Response {
    if (!this.#opts.registry.get(service)) return notFound(`no service "${service}"`);
    return Response.json({ tools: this.#opts.tools(service) });
  }

  /** The probe timings of one service, measured now. */
  async probe(service: string): Promise<Response> {
    const record = this.#opts.registry.get(service);
    if (!record) return notFound(`no service "${service}"`);
    return Response.json({ entry: record.entry, timings: await probeTimings(record.entry) });
  }

  /** Reads and checks a "try it" body; a Response when it is not usable. */
  async readCall(request: Request): Promise<TryItCall | Response> {
    return await readCall(this.#opts, request);
  }

  /** Runs a checked "try it" call as `caller` and reports its outcome and time. */
  async call(call: TryItCall, caller: Caller): Promise<Response> {
    const started = performance.now();
    const outcome = await this.#opts.call(call.service, call.method, call.params, {
      signal: AbortSignal.timeout(30_000),
      caller,
    });
    return Response.json({ ...outcome, ms: Math.round((performance.now() - started) * 10) / 10 });
  }
}

async function readCall(opts: DashboardOptions, request: Request): Promise<TryItCall | Response> {
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
  if (!opts.registry.get(service)) return notFound(`no service "${service}"`);
  return { service, method, params: params as TryItCall["params"] };
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

/** A 404 with a sentence. */
export function notFound(what: string): Response {
  return Response.json({ error: `Not found: ${what}` }, { status: 404 });
}

function badRequest(message: string): Response {
  return Response.json({ error: message }, { status: 400 });
}
