/**
 * `GET /metrics` on hero_proc's admin socket (reached over TCP only through hero_router's gate,
 * at `/hero_proc/admin/metrics`). The exporter and prom-client are loaded on the first scrape:
 * a daemon nobody scrapes never pays for them (its idle memory is a tracked figure).
 */
import type { RpcApi } from "@hero/sdk";

type Exporter = (accept: string | null) => Promise<Response>;

/** Answers `/metrics` on admin.sock, or returns undefined for any other path. */
export function metricsRoute(api: RpcApi): (request: Request) => Promise<Response> | undefined {
  let exporter: Promise<Exporter> | undefined;
  return (request) => {
    if (!isMetricsPath(request.url)) return undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return Promise.resolve(
        new Response("Use GET on /metrics\n", { status: 405, headers: { allow: "GET, HEAD" } }),
      );
    }
    exporter ??= import("./proc_metrics.ts").then((m) => m.procMetricsExporter(api));
    return exporter.then((scrape) => scrape(request.headers.get("accept")));
  };
}

function isMetricsPath(url: string): boolean {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const end = url.indexOf("?", start);
  return (end < 0 ? url.slice(start) : url.slice(start, end)) === "/metrics";
}
