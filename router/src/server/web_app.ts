/**
 * hero_router's web surface — what admin.sock and every TCP listener serve — as one Hono app.
 * The order below is the order of checks: the gate first (network, who is calling, cross-site),
 * then the public routes (signing in and out, OAuth metadata), then every route with the access
 * it needs. Read access covers pages, lists, streams and read-only methods; write access
 * everything that runs code or changes state, decided per JSON-RPC method from the service's
 * own OpenRPC annotations. Proxied requests carry the caller's signed assertion instead of the
 * router's own credentials.
 */
import { type Caller, RpcErrorCode, type ServiceManifest } from "@hero/sdk";
import { isJsonContentType, readBodyText, tracingOn } from "@hero/sdk/internal";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import { serviceEventStream } from "../api/event_stream.ts";
import type { RouterQueries } from "../api/router_queries.ts";
import type { Dashboard } from "../dashboard/dashboard.ts";
import { methodAccess, proxyAccess, rpcBodyAccess } from "../gate/access.ts";
import {
  gate,
  gateCheck,
  type GateOptions,
  type GateVerdict,
  refuse,
  type WebEnv,
} from "../gate/gate.ts";
import { type Access, isAdmin, permits } from "../gate/identity.ts";
import { loginPageResponse, loginSubmit, logout } from "../gate/login_routes.ts";
import type { Federation, PeerTarget } from "../federation/federation.ts";
import { federationFeed } from "../federation/federation_feed.ts";
import type { McpGateway } from "../mcp/gateway.ts";
import type { FastPath, FastRoute } from "../front/tcp_front.ts";
import type { RequestHead } from "../front/request_head.ts";
import type { RouterMetrics } from "../metrics/router_metrics.ts";
import { type ForwardedCaller, SAFE_PREFIX } from "../proxy/forward_headers.ts";
import { parseProxyPath, type ProxyTarget } from "../proxy/proxy_path.ts";
import { badGatewayText, type ReverseProxy } from "../proxy/reverse_proxy.ts";
import { PRM_PATH, type Sso } from "../sso/sso.ts";
import { ROUTER_COOKIES } from "../gate/router_cookies.ts";
import { annotateProxySpan } from "../telemetry/proxy_trace.ts";

/** What the web app serves. */
export interface WebAppOptions {
  gate: GateOptions;
  queries: RouterQueries;
  registry: ServiceRegistryView;
  /** The ui manifest of admin.sock. */
  manifest: ServiceManifest;
  dashboard: Dashboard;
  mcp: McpGateway;
  proxy: ReverseProxy;
  /** Signs the caller assertion proxied requests carry. */
  signer: {
    sign(caller: Caller, service: string): Promise<string>;
    /** An assertion signed earlier and still reused, if any, without a promise. */
    cached?(caller: Caller, service: string): string | undefined;
  };
  /** Single sign-on through hero_auth (absent: tokens only). */
  sso?: Sso;
  metrics: RouterMetrics;
  /** Peer routers whose services this router serves too. */
  federation: Federation;
  /** Aborted when the router closes: ends the feeds of peers that follow this router. */
  closing: AbortSignal;
}

/** Largest JSON-RPC body the gate reads to authorize a proxied call. */
const MAX_RPC_BODY = 8 * 1024 * 1024;

/**
 * hero_auth's OpenID provider endpoints under the issuer's path: discovery, keys, authorize
 * (and its resume), token, introspection, revocation, device flow, logout, userinfo, dynamic
 * registration, and its sign-in, setup and asset pages. The provider authenticates these itself.
 */
const ISSUER_ENDPOINTS = new RegExp(
  "^/(\\.well-known/openid-configuration|jwks|auth(/[A-Za-z0-9_-]+)?|" +
    "token(/introspection|/revocation)?|device(/auth|/confirm|/resume/[A-Za-z0-9_/-]+)?|" +
    "session/end(/confirm|/success)?|me|reg(/[A-Za-z0-9_.-]+)?|" +
    "(interaction|setup|assets)/[A-Za-z0-9_./-]+)$",
);

/**
 * Paths reachable without a credential: signing in and out, what the login page loads, the
 * OAuth metadata of the router (RFC 9728, RFC 8414) and, given hero_auth's issuer path, the
 * provider's own endpoints.
 */
export function isPublicPath(method: string, path: string, issuerPath?: string): boolean {
  if (path === "/login") return method === "GET" || method === "HEAD" || method === "POST";
  if (path === "/logout") return method === "POST";
  if (issuerPath && path.startsWith(`${issuerPath}/`)) {
    return ISSUER_ENDPOINTS.test(path.slice(issuerPath.length));
  }
  if (method !== "GET" && method !== "HEAD") return false;
  if (path === "/auth/login" || path === "/auth/callback") return true;
  if (path === PRM_PATH || path.startsWith(`${PRM_PATH}/`)) return true;
  if (/^\/\.well-known\/(oauth-authorization-server|openid-configuration)\//.test(path)) {
    return true;
  }
  return path === "/favicon.svg" || path === "/css/hero.css";
}

/**
 * The proxy's fast path, which the TCP front (`front/tcp_front.ts`) takes before this app for
 * `/<service>/<socket>/…`, forwarding bytes instead of building a Request and a Response. Its
 * checks are the app's, in the app's order: the gate (the app's first middleware, the same
 * function, hero_auth's authenticator included), then the access `proxy()` at the end of the
 * app needs, then the socket discovery knows. It only ever says "forward to this socket", with
 * the caller's signed assertion and the router's credentials to remove, as `proxy()` forwards:
 * a refusal or sign-in challenge, a public path (hero_auth's own endpoints), a JSON-RPC body to
 * read, a socket to look for on disk, a peer router's service all go to the app, which checks
 * again and answers. With tracing on everything goes to the app, whose server span (Deno's)
 * the trace needs. A relayed request is counted in the metrics as the app counts it.
 */
export function proxyFastPath(opts: WebAppOptions): FastPath {
  const check = gateCheck(opts.gate);
  const route = (
    head: RequestHead,
    target: ProxyTarget,
    verdict: GateVerdict,
    started: number,
  ): FastRoute | undefined | Promise<FastRoute> => {
    if (verdict instanceof Response || !verdict.identity) return undefined;
    const identity = verdict.identity;
    const access = proxyAccess(head, target);
    if (access === undefined) {
      // POST /rpc: a caller who may write needs no look inside, as in proxy() below.
      if (!isJsonContentType(head.get("content-type"))) return undefined;
      if (!permits(identity, "write", target.service)) return undefined;
    } else if (!permits(identity, access, target.service)) return undefined;
    const socketPath = opts.proxy.knownSocket(target);
    if (!socketPath) return undefined;
    // A prefix a caller (a federating router) puts in front, taken as the app's proxy takes it.
    const prior = head.get("x-forwarded-prefix");
    const to = (assertion: string): FastRoute => ({
      rest: target.rest,
      prefix: prior !== null && SAFE_PREFIX.test(prior) ? prior + target.prefix : target.prefix,
      caller: callerWith(identity, assertion),
      pool: opts.proxy.pool(socketPath),
      service: target.service,
      badGateway: (why: string) => badGatewayText(target, why),
      answered: (status: number) => opts.metrics.proxied(target.service, status, started),
    });
    // Most requests find their assertion signed already: no promise, no extra turn.
    const signed = opts.signer.cached?.(identity, target.service);
    return signed !== undefined ? to(signed) : opts.signer.sign(identity, target.service).then(to);
  };
  return (head, info) => {
    if (tracingOn()) return undefined;
    const started = performance.now();
    // Which socket the path names, if any (parsing only: nothing is done before the gate).
    const target = parseProxyPath(head.target);
    if (!target || "error" in target) return undefined;
    const q = head.target.indexOf("?");
    const path = q < 0 ? head.target : head.target.slice(0, q);
    // hero_auth's provider endpoints are forwarded without an assertion: the app does that.
    if (opts.gate.isPublic(head.method, path)) return undefined;
    const verdict = check(head, path, info, () => head.toRequest());
    return verdict instanceof Promise
      ? verdict.then((v) => route(head, target, v, started))
      : route(head, target, verdict, started);
  };
}

/** Builds the app; serve it with `app.fetch(request, { info })`. */
export function createWebApp(opts: WebAppOptions): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const q = opts.queries;
  const d = opts.dashboard;
  const read = need("read");
  const write = need("write");
  const manifest = JSON.stringify({ ...opts.manifest, protocol: "ui", socket: "admin" });

  app.use(gate(opts.gate));

  app.get("/login", (c) => loginPageResponse(c.req.raw));
  app.post("/login", (c) => loginSubmit(c.req.raw, opts.gate.tokens));
  app.post("/logout", async (c) => {
    const local = logout(c.req.raw);
    // Signed in through hero_auth: end that session too (RP-initiated logout).
    const ended = local.status === 303 ? await opts.sso?.login.logout(c.req.raw) : undefined;
    if (!ended) return local;
    ended.headers.append("set-cookie", local.headers.get("set-cookie")!);
    return ended;
  });
  app.get("/auth/login", async (c) => opts.sso ? await opts.sso.login.login(c.req.raw) : noSso());
  app.get(
    "/auth/callback",
    async (c) => opts.sso ? await opts.sso.login.callback(c.req.raw) : noSso(),
  );
  app.get(PRM_PATH, async (c) => opts.sso ? await opts.sso.protectedResource(c.req.raw) : noSso());
  app.get(
    `${PRM_PATH}/*`,
    async (c) => opts.sso ? await opts.sso.protectedResource(c.req.raw) : noSso(),
  );
  app.get(
    "/.well-known/oauth-authorization-server/*",
    async (c) => opts.sso ? await opts.sso.authorizationServer(c.req.raw) : noSso(),
  );
  app.get(
    "/.well-known/openid-configuration/*",
    async (c) => opts.sso ? await opts.sso.authorizationServer(c.req.raw) : noSso(),
  );
  app.get("/favicon.svg", () => d.favicon());
  app.get("/css/:file", (c) => d.asset(c.req.param("file")));

  app.all("/rpc", (c) =>
    c.json(
      { error: "JSON-RPC is not served on the admin surface; use hero_router/rpc.sock" },
      c.req.method === "POST" ? 405 : 404,
      { allow: "" },
    ));
  app.get("/health", read, (c) => c.json(q.health()));
  app.get("/metrics", read, (c) => opts.metrics.response(c.req.header("accept") ?? null));
  app.get("/.well-known/heroservice.json", read, (c) => c.body(manifest, 200, JSON_TYPE));

  app.get("/", read, (c) => d.page({ kind: "overview" }, isAdmin(c.get("identity")!)));
  app.get("/home", read, (c) => d.page({ kind: "overview" }, isAdmin(c.get("identity")!)));
  app.get("/router-logs", read, (c) => d.page({ kind: "logs" }, isAdmin(c.get("identity")!)));
  app.get(
    "/service/:name",
    read,
    (c) => d.page({ kind: "service", name: c.req.param("name") }, isAdmin(c.get("identity")!)),
  );
  app.get("/js/hero_ui.js", read, () => d.asset("hero_ui.js"));
  app.get("/js/dashboard/:file", read, (c) => d.module(c.req.param("file")));

  app.get("/api/events", read, (c) => serviceEventStream(opts.registry, c.req.raw.signal));
  app.get(
    "/api/federation",
    read,
    (c) => federationFeed(opts.registry, [c.req.raw.signal, opts.closing]),
  );
  app.get("/api/health", read, (c) => c.json(q.health()));
  app.get("/api/cache", read, (c) => c.json(q.cacheInspect()));
  app.get("/api/services", read, (c) => c.json({ services: q.services() }));
  app.get("/api/services/:name", read, (c) => {
    const detail = q.service(c.req.param("name"));
    return detail ? c.json(detail) : notFound(`no service "${c.req.param("name")}"`);
  });
  app.get("/api/services/:name/openrpc.json", read, (c) => {
    const detail = q.service(c.req.param("name"));
    if (!detail) return notFound(`no service "${c.req.param("name")}"`);
    return detail.openrpc
      ? c.json(detail.openrpc)
      : notFound(`service "${detail.name}" has no OpenRPC document`);
  });
  app.post("/api/scan", write, async (c) => c.json(await q.scan()));
  app.get("/api/router-logs", read, (c) => d.logLines(Number(c.req.query("after") ?? 0) || 0));
  app.get("/api/router-logs/stream", read, (c) => d.logStream(c.req.raw.signal));
  app.get("/api/dashboard/tools/:name", read, (c) => d.tools(c.req.param("name")));
  app.get("/api/dashboard/probe/:name", read, (c) => d.probe(c.req.param("name")));
  app.post("/api/dashboard/call", read, async (c) => {
    const call = await d.readCall(c.req.raw);
    if (call instanceof Response) return call;
    const doc = opts.registry.get(call.service)?.openrpc;
    const access = methodAccess(doc, call.method);
    if (!permits(c.get("identity")!, access, call.service)) {
      return refuse(403, forbiddenMethod(call.service, call.method));
    }
    return await d.call(call, c.get("identity")!);
  });
  app.all(
    "/api/*",
    (c) =>
      c.req.method === "GET" || c.req.method === "HEAD"
        ? notFound(c.req.path)
        : c.json({ error: "Use GET here" }, 405, { allow: "GET" }),
  );

  app.all("/mcp", read, (c) => mcp(opts, c));
  app.all("/mcp/*", read, (c) => mcp(opts, c));

  app.all("*", async (c) => {
    const started = performance.now();
    const target = opts.federation.target(c.req.raw) ?? opts.proxy.target(c.req.raw);
    if (!target) return notFound(c.req.path);
    if ("error" in target) return c.json({ error: target.error }, target.status);
    annotateProxySpan(c.req.method, target.service, target.webname);
    const res = await proxy(opts, c, target);
    opts.metrics.proxied(target.service, res.status, started);
    return res;
  });
  return app;
}

/** Middleware: the caller must have `access` (to the router itself). */
function need(access: Access): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const identity = c.get("identity");
    if (!identity) return refuse(401, `Unauthorized: ${c.req.path} needs a credential`);
    if (!permits(identity, access)) {
      return refuse(403, `Forbidden: ${identity.name} may only read; this needs write access`);
    }
    await next();
  };
}

function mcp(opts: WebAppOptions, c: Context<WebEnv>): Promise<Response> {
  const identity = c.get("identity")!;
  return opts.mcp.handler(c.req.raw, {
    subject: identity.subject,
    mayCall: (tool) => permits(identity, tool.readOnly ? "read" : "write", tool.service),
    identity,
  });
}

/**
 * The proxy, authorized per request: UI sockets by HTTP method, `POST /rpc` on an rpc socket by
 * the JSON-RPC methods in the body (read once here and forwarded as read, so the service sees
 * exactly the bytes that were judged).
 */
async function proxy(
  opts: WebAppOptions,
  c: Context<WebEnv>,
  target: ProxyTarget | PeerTarget,
): Promise<Response> {
  const request = c.req.raw;
  const info = c.env.info;
  // A peer's service gets the peer's pinned token; a local one the caller's assertion.
  const forward = (caller?: ForwardedCaller, body?: Uint8Array) =>
    "peer" in target
      ? opts.federation.forward(request, info, target, body)
      : opts.proxy.forward(request, target, { info, body, caller });
  const identity = c.get("identity");
  // hero_auth's provider endpoints are public: it authenticates them itself.
  if (!("peer" in target) && opts.gate.isPublic(request.method, c.req.path)) {
    return await forward({ dropCookies: ROUTER_COOKIES, dropAuthorization: false });
  }
  if (!identity) return refuse(401, `Unauthorized: ${c.req.path} needs a credential`);
  const caller = "peer" in target
    ? undefined
    : await forwardedCaller(opts, identity, target.service);
  const access = proxyAccess(request, target);
  if (access) {
    if (!permits(identity, access, target.service)) {
      return refuse(
        403,
        `Forbidden: ${identity.name} may only read "${target.service}" (${request.method} ${
          request.headers.get("upgrade") ? "upgrade " : ""
        }needs write access)`,
      );
    }
    return await forward(caller);
  }
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return rpcRefusal(
      415,
      RpcErrorCode.InvalidRequest,
      "POST /rpc needs Content-Type: application/json",
    );
  }
  // Whoever may write to the service needs no look inside: the body streams through.
  if (permits(identity, "write", target.service)) return await forward(caller);
  let text: string;
  try {
    text = await readBodyText(request, MAX_RPC_BODY);
  } catch {
    return rpcRefusal(413, RpcErrorCode.RequestTooLarge, "The request body is too large");
  }
  const verdict = rpcBodyAccess(text, opts.registry.get(target.service)?.openrpc);
  if (!verdict.ok) return rpcRefusal(400, verdict.error.code, verdict.error.message);
  if (!permits(identity, verdict.access, target.service)) {
    const method = verdict.methods.find((m) =>
      methodAccess(opts.registry.get(target.service)?.openrpc, m) === "write"
    )!;
    return rpcRefusal(403, RpcErrorCode.Forbidden, forbiddenMethod(target.service, method));
  }
  return await forward(caller, new TextEncoder().encode(text));
}

/** The service learns who calls from the assertion; the router's credentials stay here. */
async function forwardedCaller(
  opts: WebAppOptions,
  identity: Caller,
  service: string,
): Promise<ForwardedCaller> {
  return callerWith(identity, await opts.signer.sign(identity, service));
}

function callerWith(identity: Caller, assertion: string): ForwardedCaller {
  return {
    assertion,
    dropCookies: ROUTER_COOKIES,
    dropAuthorization: identity.via === "bearer",
  };
}

function noSso(): Response {
  return Response.json(
    { error: "Not found: signing in through hero_auth is not set up on this router" },
    { status: 404 },
  );
}

function forbiddenMethod(service: string, method: string): string {
  return `Forbidden: "${method}" of "${service}" is not marked read-only, and this caller may only read`;
}

function rpcRefusal(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

function notFound(what: string): Response {
  return Response.json({ error: `Not found: ${what}` }, { status: 404 });
}

const JSON_TYPE = { "content-type": "application/json" };
