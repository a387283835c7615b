/**
 * Diagnostics for one service: times `GET /health`, `/openrpc.json` and the discovery manifest
 * on each of its sockets right now, so the dashboard can show what the router sees and how long
 * it takes, beside the last error discovery recorded.
 */
import { currentRuntime } from "@hero/sdk/internal";
import type { ServiceEntry } from "../discovery/service_entry.ts";

/** One timed request. */
export interface ProbeTiming {
  socket: string;
  path: string;
  status: number | null;
  ms: number;
  bytes: number;
  error?: string;
}

const PATHS_BY_KIND: Record<string, string[]> = {
  rpc: ["/health", "/openrpc.json", "/.well-known/heroservice.json"],
};
const UI_PATHS = ["/.well-known/heroservice.json"];

/** Probes every socket of `entry` (manual services: their base URL) with a time limit each. */
export async function probeTimings(entry: ServiceEntry, timeoutMs = 3000): Promise<ProbeTiming[]> {
  const runtime = currentRuntime();
  const out: ProbeTiming[] = [];
  // A peer's services are probed by their own router (their state arrives over its feed).
  if (entry.source === "peer") return [];
  const targets = entry.source === "manual" && entry.url
    ? [{ name: "url", target: { baseUrl: entry.url }, paths: PATHS_BY_KIND.rpc }]
    : entry.sockets.map((s) => ({
      name: s.name,
      target: { socketPath: s.path },
      paths: PATHS_BY_KIND[s.kind] ?? UI_PATHS,
    }));
  for (const t of targets) {
    const transport = runtime.transport(t.target);
    try {
      for (const path of t.paths) {
        const started = performance.now();
        try {
          const res = await transport.send({
            method: "GET",
            path,
            signal: AbortSignal.timeout(timeoutMs),
          });
          out.push({
            socket: t.name,
            path,
            status: res.status,
            ms: round(performance.now() - started),
            bytes: res.body.length,
          });
        } catch (err) {
          out.push({
            socket: t.name,
            path,
            status: null,
            ms: round(performance.now() - started),
            bytes: 0,
            error: (err as Error).message,
          });
        }
      }
    } finally {
      transport.close();
    }
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
