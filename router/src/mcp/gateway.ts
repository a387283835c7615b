/**
 * The MCP gateway: one `(Request) => Promise<Response>` serving Streamable HTTP at `/mcp` (the
 * tools of every service) and `/mcp/<service>` (one service's tools), in both protocol eras:
 * 2025-11-25 through {@link LegacySessions}, the stateless 2026-07-28 through the SDK's
 * `createMcpHandler` (server/discover, per-request envelope, `Mcp-Method`/`Mcp-Name` checks,
 * `resultType`, cache hints, `subscriptions/listen`). Tools follow the {@link ToolSource}.
 */
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isLegacyRequest,
  localhostAllowedOrigins,
  type McpHttpHandler,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import { jsonRpcError } from "./json_rpc_error.ts";
import { LegacySessions, type McpCaller } from "./legacy_sessions.ts";
import { readJsonBody } from "./read_json_body.ts";
import { type CatalogLogger, ToolCatalog, type ToolView } from "./tool_catalog.ts";
import { createToolServer } from "./tool_server.ts";
import type { ToolSource } from "./tool_source.ts";
import { ROUTER_VERSION } from "../version.ts";

/** Options of {@link createMcpGateway}. */
export interface McpGatewayOptions {
  /** Services and how to call them. */
  source: ToolSource;
  /** Mount path (default `/mcp`). */
  basePath?: string;
  /** Hostnames an `Origin` header may name (default: localhost, 127.0.0.1, [::1]). */
  allowedOrigins?: string[];
  /** Hostnames the `Host` header may name; unset = not checked (Unix sockets). */
  allowedHosts?: string[];
  /** `serverInfo` announced to clients. */
  info?: { name: string; version: string };
  /** Where dropped tools and notable schema details are reported (default console.warn). */
  log?: CatalogLogger;
  /** Most 2025-era sessions kept (default 1,000). */
  maxSessions?: number;
  /** A 2025-era session idle for this long is closed when another opens (default 1 h). */
  sessionIdleMs?: number;
  /** Largest accepted request body, in bytes (default 4 MiB). */
  maxBodyBytes?: number;
  /** `ttlMs` announced for `tools/list` on the 2026-07-28 era (default 5,000). */
  listTtlMs?: number;
  /** Delay that folds a burst of service changes into one notification (default 25 ms). */
  notifyDelayMs?: number;
}

/** A running gateway. */
export interface McpGateway {
  /** Serves one request of `caller` under the mount path; anything else gets 404. */
  handler: (request: Request, caller: McpCaller) => Promise<Response>;
  /** The tools an endpoint currently lists (`service` undefined = all). */
  tools(service?: string): ToolView;
  /** Stops following the source, closes sessions and subscription streams. */
  close(): Promise<void>;
}

const SERVICE_SEGMENT = /^[a-z0-9_]+$/;

/** Creates the gateway over a tool source. */
export function createMcpGateway(opts: McpGatewayOptions): McpGateway {
  const base = (opts.basePath ?? "/mcp").replace(/\/+$/, "");
  const origins = opts.allowedOrigins ?? localhostAllowedOrigins();
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const info = opts.info ?? { name: "hero_router", version: ROUTER_VERSION };
  const catalog = new ToolCatalog(opts.log);
  // The catalog is rebuilt lazily (at the next request or notification) after source events;
  // services whose tools changed are remembered until their clients have been notified.
  let dirty = true;
  const pending = new Set<string>();
  const refresh = () => {
    if (!dirty) return;
    dirty = false;
    for (const name of catalog.update(opts.source.list())) pending.add(name);
  };
  const view = (scope: string): ToolView => {
    refresh();
    return catalog.view(scope === "" ? undefined : scope);
  };
  refresh();
  pending.clear();
  const serverFor = (scope: string, caller: McpCaller, signal?: AbortSignal) =>
    createToolServer({
      caller,
      signal,
      view: () => view(scope),
      source: opts.source,
      info,
      listTtlMs: opts.listTtlMs ?? 5000,
      instructions: scope === ""
        ? "Tools of every Hero service, named <service>_<method>."
        : `Tools of the Hero service "${scope}", named ${scope}_<method>.`,
    });
  const sessions = new LegacySessions({
    createServer: serverFor,
    maxSessions: opts.maxSessions,
    idleMs: opts.sessionIdleMs,
  });
  const modern = new Map<string, McpHttpHandler>();
  // authInfo objects are made per request, so the caller behind each is found by identity.
  const callers = new WeakMap<object, McpCaller>();
  const served = new Set<string>();
  const modernFor = (scope: string): McpHttpHandler => {
    let handler = modern.get(scope);
    if (!handler) {
      // The caller arrives as the request's authInfo (see `serve`); one instance per HTTP
      // request, so the client closing that request cancels its call.
      handler = createMcpHandler(
        (ctx) => serverFor(scope, callers.get(ctx.authInfo!)!, ctx.requestInfo?.signal),
        { legacy: "reject", maxRequestBodySize: maxBody },
      );
      modern.set(scope, handler);
    }
    return handler;
  };

  // Changes are folded: a burst of services appearing yields one list_changed per client.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    refresh();
    if (pending.size === 0) return;
    const scopes = new Set(["", ...pending]);
    pending.clear();
    sessions.toolsChanged((scope) => scopes.has(scope));
    for (const scope of scopes) modern.get(scope)?.notify.toolsChanged();
  };
  const unsubscribe = opts.source.subscribe(() => {
    dirty = true;
    timer ??= setTimeout(flush, opts.notifyDelayMs ?? 25);
  });

  let closed = false;
  const serve = async (request: Request, caller: McpCaller): Promise<Response> => {
    if (closed) return jsonRpcError(503, -32000, "The MCP gateway is shutting down");
    const path = new URL(request.url).pathname;
    let scope: string;
    if (path === base || path === `${base}/`) scope = "";
    else if (path.startsWith(`${base}/`) && SERVICE_SEGMENT.test(path.slice(base.length + 1))) {
      scope = path.slice(base.length + 1);
    } else return jsonRpcError(404, -32000, `Not found: ${path}`);
    const rejected = originValidationResponse(request, origins) ??
      (opts.allowedHosts ? hostHeaderValidationResponse(request, opts.allowedHosts) : undefined);
    if (rejected) return rejected;
    // An endpoint stays served once used, so clients of a service that went away see an
    // empty tool list (and list_changed) rather than errors; unknown services get 404.
    view(scope);
    if (scope !== "" && !served.has(scope)) {
      if (!catalog.hasService(scope)) {
        return jsonRpcError(404, -32000, `No service named "${scope}" is known to the router`);
      }
      served.add(scope);
    }
    if (request.method !== "POST" && request.method !== "GET" && request.method !== "DELETE") {
      return jsonRpcError(405, -32000, "Method not allowed", { allow: "GET, POST, DELETE" });
    }
    let body: unknown;
    if (request.method === "POST") {
      const parsed = await readJsonBody(request, maxBody);
      if (parsed instanceof Response) return parsed;
      body = parsed.value;
    }
    if (await isLegacyRequest(request, body, { maxRequestBodySize: maxBody })) {
      return sessions.handle(request, scope, body, caller);
    }
    const authInfo = { token: "", clientId: caller.subject, scopes: [] };
    callers.set(authInfo, caller);
    return modernFor(scope).fetch(request, { parsedBody: body, authInfo });
  };
  const log = opts.log ?? ((m: string) => console.warn(m));
  const handler = async (request: Request, caller: McpCaller): Promise<Response> => {
    try {
      return await serve(request, caller);
    } catch (err) {
      // A bug or an SDK surprise costs one request, never the router.
      log(`MCP: ${request.method} ${new URL(request.url).pathname} failed: ${err}`);
      return jsonRpcError(500, -32603, "Internal error in the MCP gateway");
    }
  };

  return {
    handler,
    tools: (service) => view(service ?? ""),
    async close() {
      closed = true;
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      await sessions.close();
      await Promise.all([...modern.values()].map((h) => h.close()));
    },
  };
}
