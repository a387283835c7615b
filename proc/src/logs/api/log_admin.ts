/**
 * The log part of hero_proc's admin socket: the SSE live tail (`GET /logs/follow`) and, for
 * scripts, `GET /logs/tree` and `GET /logs/stats` as JSON. Other paths are left to the caller.
 */
import type { LogStore } from "../log_store.ts";
import { followSse } from "./log_follow_sse.ts";
import { logStats } from "./log_stats.ts";

/** Answers the log paths of admin.sock, or returns undefined. */
export function logAdminRoutes(store: LogStore, request: Request): Response | undefined {
  const url = new URL(request.url);
  const json = (v: unknown) =>
    new Response(JSON.stringify(v), { headers: { "content-type": "application/json" } });
  try {
    if (url.pathname === "/logs/tree" && request.method === "GET") {
      const depth = Number(url.searchParams.get("depth") ?? 3);
      return json(store.tree({ prefix: url.searchParams.get("prefix") ?? "", depth }));
    }
    if (url.pathname === "/logs/stats" && request.method === "GET") return json(logStats(store));
    return followSse(store, request);
  } catch (err) {
    return new Response(`${(err as Error).message}\n`, { status: 400 });
  }
}
