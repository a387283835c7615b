/**
 * The discovery manifest (`/.well-known/heroservice.json`) and the health document
 * (`/health`): how the router learns what a socket is and whether it is well.
 */
import { bytesResponse } from "../runtime/response_bytes.ts";

/**
 * `GET /.well-known/heroservice.json`.
 *
 * @example
 * ```ts
 * import type { ServiceManifest } from "@hero/sdk";
 * const manifest: ServiceManifest = {
 *   protocol: "openrpc",
 *   name: "notes",
 *   title: "Notes",
 *   version: "1.0.0",
 *   description: "Create and tag notes",
 *   socket: "rpc",
 * };
 * ```
 */
export interface ServiceManifest {
  /** `openrpc` for rpc.sock, `ui` for an HTML socket. */
  protocol: "openrpc" | "ui";
  /** The service's name. */
  name: string;
  /** A title for people. */
  title: string;
  /** The service's version. */
  version: string;
  /** What the service does. */
  description: string;
  /** The socket's role: `rpc`, `admin`, `rest`, `openapi` or `web_<name>`. */
  socket: string;
}

/**
 * Health states, from best to worst.
 *
 * @example
 * ```ts
 * import type { HealthStatus } from "@hero/sdk";
 * const worst: HealthStatus = "degraded";
 * ```
 */
export type HealthStatus = "ok" | "degraded" | "down";

/**
 * `GET /health`.
 *
 * @example
 * ```ts
 * import type { HealthReport } from "@hero/sdk";
 * const res = await fetch("http://localhost/health"); // via the service's rpc.sock in practice
 * const report = (await res.json()) as HealthReport;
 * ```
 */
export interface HealthReport {
  /** The worst state the service reports. */
  status: HealthStatus;
  /** The service's name. */
  service: string;
  /** The service's version. */
  version: string;
  /** Seconds since the server started. */
  uptime_s: number;
  /** Why the service is degraded or down, when it is. */
  reason?: string;
  /** What the service adds about its parts (e.g. hero_proc: each service's state and usage). */
  detail?: Record<string, unknown>;
}

/**
 * The result of a {@link HealthCheck}.
 *
 * @example
 * ```ts
 * import type { HealthCheckResult } from "@hero/sdk";
 * const down: HealthCheckResult = { status: "down", reason: "database is locked" };
 * ```
 */
export interface HealthCheckResult {
  /** The state to report. */
  status: HealthStatus;
  /** Why the service is degraded or down, when it is. */
  reason?: string;
  /** What the service adds about its parts. */
  detail?: Record<string, unknown>;
}

/**
 * What a service reports about itself beyond being alive.
 *
 * @example
 * ```ts
 * import type { HealthCheck } from "@hero/sdk";
 * let queued = 0;
 * const health: HealthCheck = () =>
 *   queued > 1000 ? { status: "degraded", reason: `${queued} jobs queued` } : { status: "ok" };
 * ```
 */
export type HealthCheck = () => HealthCheckResult | Promise<HealthCheckResult>;

const encoder = new TextEncoder();

/** A standard JSON Response. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * The built-in routes' JSON response: a kept-bytes response (see bytesResponse), which adapters
 * write without building a standard Response.
 */
export function jsonBytesResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return bytesResponse(encoder.encode(JSON.stringify(body)), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
