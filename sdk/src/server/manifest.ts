/**
 * The discovery manifest (`/.well-known/heroservice.json`) and the health document
 * (`/health`): how the router learns what a socket is and whether it is well.
 */

/** `GET /.well-known/heroservice.json`. */
export interface ServiceManifest {
  protocol: "openrpc" | "ui";
  name: string;
  title: string;
  version: string;
  description: string;
  socket: string;
}

/** Health states, from best to worst. */
export type HealthStatus = "ok" | "degraded" | "down";

/** `GET /health`. */
export interface HealthReport {
  status: HealthStatus;
  service: string;
  version: string;
  uptime_s: number;
  /** Why the service is degraded or down, when it is. */
  reason?: string;
}

/** What a service reports about itself beyond being alive. */
export type HealthCheck = () =>
  | { status: HealthStatus; reason?: string }
  | Promise<{
    status: HealthStatus;
    reason?: string;
  }>;

/** JSON response helper shared by the built-in routes. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
