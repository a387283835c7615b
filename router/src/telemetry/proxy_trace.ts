/**
 * The router's part of a trace (OpenTelemetry, Deno's built-in `OTEL_DENO=true`): Deno makes a
 * SERVER span for every request it serves; here that span is named for what the router did
 * with it (`GET /<service>/<socket>/*`, with the service as an attribute), proxied requests
 * carry it to the service as `traceparent` (the proxy speaks HTTP itself, so Deno cannot add
 * it), and MCP tool calls get a span of their own whose context the SDK client sends on.
 * Without telemetry each function is one comparison.
 */
import { traceHeaders, tracingOn } from "@hero/sdk/internal";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/** Names the active server span after a proxied request's route and target service. */
export function annotateProxySpan(method: string, service: string, webname: string): void {
  if (!tracingOn()) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  const host = service.includes("/") ? service.slice(0, service.indexOf("/")) : "";
  span.updateName(`${method} /${service}/${webname}/*`);
  span.setAttribute("http.route", `/${service}/${webname}/*`);
  span.setAttribute("hero.service", service);
  if (host) span.setAttribute("hero.host", host);
}

/** Header pairs for the service with `traceparent` (and `tracestate`) of the active span. */
export function withTraceparent(pairs: [string, string][]): [string, string][] {
  if (!tracingOn()) return pairs;
  const carrier = traceHeaders({});
  if (!carrier.traceparent) return pairs;
  const out = pairs.filter(([k]) => k !== "traceparent" && k !== "tracestate");
  for (const [k, v] of Object.entries(carrier)) out.push([k, v]);
  return out;
}

/** Runs an MCP tool call as a span (`tools/call <service>.<method>`) when tracing is on. */
export function traceToolCall<T extends { ok: boolean }>(
  service: string,
  method: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!tracingOn()) return run();
  return trace.getTracer("hero_router").startActiveSpan(
    `tools/call ${service}.${method}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "mcp.method.name": "tools/call",
        "hero.service": service,
        "rpc.system": "jsonrpc",
        "rpc.method": method,
      },
    },
    async (span) => {
      try {
        const outcome = await run();
        if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR });
        return outcome;
      } finally {
        span.end();
      }
    },
  );
}
