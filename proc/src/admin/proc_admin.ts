/**
 * hero_proc's admin UI (admin.sock, and through hero_router at `/hero_proc/admin/`): the pages,
 * the shared theme and xterm.js from node_modules, JSON over hero_proc's own API, live streams
 * (service states, log tail) over SSE, and the terminal WebSocket. Starting, stopping and the
 * terminal need write access to hero_proc (the caller's scopes, see ui/session).
 */
import { createRequire } from "node:module";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import {
  type Caller,
  type ConnectionInfo,
  type FetchHandler,
  type UpgradeHandler,
} from "@hero/sdk";
import { type CallerVerifier, resolveCaller } from "@hero/sdk/internal";
import { staticResponse, themeAsset } from "../../../ui/theme/theme_assets.ts";
import {
  callerOf,
  canMutate,
  forbidden,
  mutationProblem,
  upgradeProblem,
} from "../../../ui/session/admin_session.ts";
import { type AdminPage, renderAdminPage } from "./admin_pages.ts";
import type { LogFilter, LogFollow, LogLine, LogReader } from "./log_reader.ts";
import { eventStream } from "../../../ui/sse/event_stream.ts";
import { deployAction } from "./deploy_routes.ts";
import { PreviousMarker } from "./previous_marker.ts";
import { sseResponse } from "./sse.ts";
import { type TerminalOptions, TerminalServer } from "./terminal.ts";

/** What the admin needs from hero_proc. */
export interface ProcAdminOptions {
  /** Calls one of hero_proc's API methods (in-process) as `caller` (default the owner). */
  call(method: string, params?: Record<string, unknown>, caller?: Caller): Promise<unknown>;
  logs: LogReader;
  /** New lines as they are committed (the live tail); without it the tail polls `logs`. */
  follow?: LogFollow;
  /** The service name write access is checked against (`hero_proc`). */
  service: string;
  /** Verifies the caller of a terminal WebSocket upgrade (which bypasses HeroServer). */
  verifier: CallerVerifier;
  terminal?: TerminalOptions;
}

/** The admin handler, its upgrade hook (terminal) and its cleanup. */
export interface ProcAdmin {
  handler: FetchHandler;
  onUpgrade: UpgradeHandler;
  close(): void;
}

const require = createRequire(import.meta.url);
const VENDOR: Record<string, [string, string]> = {
  "xterm.mjs": ["@xterm/xterm/lib/xterm.mjs", "text/javascript; charset=utf-8"],
  "xterm.css": ["@xterm/xterm/css/xterm.css", "text/css; charset=utf-8"],
  "addon-fit.mjs": ["@xterm/addon-fit/lib/addon-fit.mjs", "text/javascript; charset=utf-8"],
};
const MODULES = new Set(["services.js", "jobs.js", "logs.js", "deploys.js", "terminal.js"]);
const PAGES: Record<string, AdminPage> = {
  "/": "services",
  "/services": "services",
  "/jobs": "jobs",
  "/logs": "logs",
  "/deploys": "deploys",
  "/terminal": "terminal",
};
const SERVICE_OPS = new Set(["start", "stop", "restart"]);

/** The prefix the page is served under (`/hero_proc/admin` through the router, else ""). */
function prefixOf(request: Request): string {
  const p = request.headers.get("x-forwarded-prefix") ?? "";
  return /^(\/[A-Za-z0-9_.-]+)*$/.test(p) ? p.replace(/\/$/, "") : "";
}

/** Creates the admin UI. */
export function createProcAdmin(opts: ProcAdminOptions): ProcAdmin {
  const terminal = new TerminalServer(opts.terminal);
  // Ends every live stream when the admin closes, so shutdown does not wait on browsers.
  const closing = new AbortController();
  const handler: FetchHandler = async (request, info) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const get = request.method === "GET" || request.method === "HEAD";
    const page = PAGES[path];
    if (page && get) {
      const prefix = prefixOf(request);
      return new Response(
        renderAdminPage(page, `${prefix}/`, canMutate(request, info, opts.service)),
        { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } },
      );
    }
    if (get && path.startsWith("/css/")) return (await themeAsset(path.slice(5))) ?? notFound(path);
    if (get && path === "/js/hero_ui.js") return (await themeAsset("hero_ui.js"))!;
    if (get && path.startsWith("/js/") && MODULES.has(path.slice(4))) {
      return staticResponse(
        new URL(`./static/${path.slice(4)}`, import.meta.url),
        "text/javascript; charset=utf-8",
      );
    }
    if (get && path.startsWith("/vendor/") && VENDOR[path.slice(8)]) {
      const [spec, type] = VENDOR[path.slice(8)];
      return staticResponse(new URL(`file://${require.resolve(spec)}`), type);
    }
    if (path.startsWith("/api/")) {
      return await api(opts, request, info, url, AbortSignal.any([request.signal, closing.signal]));
    }
    return notFound(path);
  };
  const onUpgrade: UpgradeHandler = (rawReq, rawSocket, head) => {
    const req = rawReq as IncomingMessage;
    const socket = rawSocket as Duplex;
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const request = new Request(url, { headers });
    if (url.pathname !== "/terminal/ws") {
      return refuse(socket, 404, `No WebSocket at ${url.pathname}`);
    }
    resolveCaller(request, { transport: "unix" }, opts.verifier).then((caller) => {
      if ("refused" in caller) return refuse(socket, 403, `Forbidden: ${caller.refused}`);
      const info: ConnectionInfo = { transport: "unix", caller };
      const problem = upgradeProblem(request, info, opts.service);
      if (problem) return refuse(socket, 403, `Forbidden: ${problem}`);
      const cols = Number(url.searchParams.get("cols"));
      const rows = Number(url.searchParams.get("rows"));
      terminal.accept(req, socket, head as Buffer, cols && rows ? { cols, rows } : undefined);
    }, (err: Error) => socket.destroy(err));
  };
  return {
    handler,
    onUpgrade,
    close: () => {
      closing.abort();
      terminal.close();
    },
  };
}

async function api(
  opts: ProcAdminOptions,
  request: Request,
  info: ConnectionInfo,
  url: URL,
  streamSignal: AbortSignal,
): Promise<Response> {
  const parts = url.pathname.split("/").slice(2).map(decodeURIComponent);
  const q = url.searchParams;
  const get = request.method === "GET" || request.method === "HEAD";
  try {
    if (!get) {
      if (request.method !== "POST") return json({ error: "Use GET or POST here" }, 405);
      const problem = mutationProblem(request, info, opts.service);
      if (problem) return forbidden(problem);
      if (parts[0] === "services" && parts.length === 3 && SERVICE_OPS.has(parts[2])) {
        return json(
          await opts.call(`service.${parts[2]}`, { name: parts[1] }, callerOf(request, info)),
        );
      }
      if (parts[0] === "deploys") return await deployAction(opts.call, parts, request);
      return notFound(url.pathname);
    }
    if (parts[0] === "services" && parts.length === 1) return json(await opts.call("service.list"));
    if (parts[0] === "info" && parts.length === 1) return json(await opts.call("system.info"));
    if (parts[0] === "deploys" && parts.length === 1) return json(await opts.call("deploy.list"));
    if (parts[0] === "jobs" && parts.length === 1) {
      return json(
        await opts.call("job.list", {
          ...(q.get("service") ? { service: q.get("service") } : {}),
          limit: Math.min(Number(q.get("limit") ?? 200) || 200, 1000),
        }),
      );
    }
    if (parts[0] === "jobs" && parts.length === 2) {
      return json(await opts.call("job.get", { id: Number(parts[1]) }));
    }
    if (parts[0] === "logs" && parts.length === 1) {
      const marker = new PreviousMarker(opts.call);
      await marker.refresh();
      return json(marker.mark(await opts.logs.query(filterOf(q))));
    }
    if (parts[0] === "logs" && parts[1] === "tree" && parts.length === 2) {
      return json(await opts.logs.tree());
    }
    if (parts[0] === "logs" && parts[1] === "tree" && parts[2] === "stream" && parts.length === 3) {
      // The tree is rebuilt only when a line was added since the last push.
      let lastId = -1;
      const tree = async () => {
        const top = (await opts.logs.query({ limit: 1 }))[0]?.id ?? 0;
        if (top === lastId) return [];
        lastId = top;
        return [{ event: "tree", data: await opts.logs.tree() }];
      };
      return sseResponse(streamSignal, tree, tree, 400);
    }
    if (parts[0] === "logs" && parts[1] === "stream" && parts.length === 2 && opts.follow) {
      return liveTail(
        opts.logs,
        opts.follow,
        filterOf(q),
        streamSignal,
        new PreviousMarker(opts.call),
      );
    }
    if (parts[0] === "logs" && parts[1] === "stream" && parts.length === 2) {
      const filter = filterOf(q);
      let last = 0;
      const marker = new PreviousMarker(opts.call);
      const batch = async (f: LogFilter) => {
        await marker.refresh();
        const lines = marker.mark(await opts.logs.query(f));
        if (lines.length) last = lines[lines.length - 1].id;
        return lines.length ? [{ event: "lines", data: lines }] : [];
      };
      return sseResponse(streamSignal, async () => {
        const events = await batch({ ...filter, afterId: undefined, limit: filter.limit ?? 300 });
        if (!events.length) last = (await opts.logs.query({ limit: 1 }))[0]?.id ?? 0;
        return [...events, { event: "ready", data: { last } }];
      }, () => batch({ ...filter, afterId: last, limit: 1000 }));
    }
    if (parts[0] === "stream" && parts[1] === "services" && parts.length === 2) {
      let before = "";
      const state = async () => {
        const services = await opts.call("service.list");
        const text = JSON.stringify(services);
        if (text === before) return [];
        before = text;
        return [{ event: "services", data: services }];
      };
      return sseResponse(streamSignal, state, state, 1000);
    }
    return notFound(url.pathname);
  } catch (err) {
    const e = err as { message?: string; code?: unknown };
    return json({ error: e.message ?? String(err), code: e.code }, 400);
  }
}

/**
 * The live tail: the newest lines of the filter, `ready` with the last id, then every new
 * matching line as the store commits it. Lines committed while the first page is read are held
 * and sent after it (never twice, never lost).
 */
function liveTail(
  logs: LogReader,
  follow: LogFollow,
  filter: LogFilter,
  signal: AbortSignal,
  marker: PreviousMarker,
): Response {
  return eventStream(async (sink) => {
    let last = -1;
    const held: LogLine[] = [];
    const unfollow = follow(filter, (lines) => {
      if (last < 0) held.push(...lines);
      else {
        const fresh = marker.mark(lines.filter((l) => l.id > last));
        if (fresh.length) sink.send({ event: "lines", data: fresh });
        void marker.refresh().catch(() => {});
      }
    });
    try {
      await marker.refresh();
      const first = marker.mark(
        await logs.query({ ...filter, afterId: undefined, limit: filter.limit ?? 300 }),
      );
      if (first.length) sink.send({ event: "lines", data: first });
      last = first.at(-1)?.id ?? (await logs.query({ limit: 1 }))[0]?.id ?? 0;
      sink.send({ event: "ready", data: { last } });
      const late = marker.mark(held.filter((l) => l.id > last));
      if (late.length) sink.send({ event: "lines", data: late });
      if (late.length) last = late.at(-1)!.id;
    } catch (err) {
      unfollow();
      throw err;
    }
    return unfollow;
  }, { signal });
}

function filterOf(q: URLSearchParams): LogFilter {
  const num = (
    k: string,
  ) => (q.get(k) && Number.isFinite(Number(q.get(k))) ? Number(q.get(k)) : undefined);
  return {
    source: q.get("source") || undefined,
    level: q.get("level") || undefined,
    text: q.get("q") || undefined,
    jobId: num("job"),
    afterId: num("after"),
    limit: num("limit"),
  };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${
      status === 403 ? "Forbidden" : "Not Found"
    }\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function json(value: unknown, status = 200): Response {
  return Response.json(value, { status });
}

function notFound(what: string): Response {
  return json({ error: `Not found: ${what}` }, 404);
}
