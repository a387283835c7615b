/**
 * The handler behind admin.sock and the TCP listeners: an ordered list of route handlers, each
 * answering or passing (`undefined`). Built-in routes come first, then mounted ones (the MCP
 * gateway mounts `/mcp` here), then the reverse proxy, then 404. It never accepts `POST /rpc`.
 */
import type { ConnectionInfo, FetchHandler } from "@hero/sdk";

/** A route: answers the request, or returns undefined to let the next route try. */
export type RouteHandler = (
  request: Request,
  info: ConnectionInfo,
) => Promise<Response | undefined> | Response | undefined;

/** An admin handler whose route list can grow after it was built. */
export interface AdminHandler {
  /** The `Request -> Response` function served on admin.sock and TCP. */
  handler: FetchHandler;
  /** Adds routes tried after the built-in ones and before the proxy. */
  mount(route: RouteHandler): void;
  /** Adds routes tried before the built-in ones (the full dashboard replaces the minimal `/`). */
  mountFirst(route: RouteHandler): void;
}

/** Builds the admin handler from built-in routes and the final fallback (the proxy). */
export function createAdminHandler(
  builtIn: RouteHandler[],
  fallback: RouteHandler,
): AdminHandler {
  const mounted: RouteHandler[] = [];
  const first: RouteHandler[] = [];
  const handler: FetchHandler = async (request, info) => {
    const path = rawPath(request.url);
    if (path === "/rpc") {
      return Response.json(
        { error: "JSON-RPC is not served on the admin surface; use hero_router/rpc.sock" },
        { status: request.method === "POST" ? 405 : 404, headers: { allow: "" } },
      );
    }
    try {
      for (const route of [...first, ...builtIn, ...mounted, fallback]) {
        const res = await route(request, info);
        if (res) return res;
      }
    } catch (err) {
      return Response.json(
        { error: `Internal error: ${err instanceof Error ? err.message : String(err)}` },
        { status: 500 },
      );
    }
    return Response.json({ error: `Not found: ${path}` }, { status: 404 });
  };
  return {
    handler,
    mount: (route) => void mounted.push(route),
    mountFirst: (route) => void first.push(route),
  };
}

/** The raw path of an absolute URL (no query), without building a URL object. */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}
