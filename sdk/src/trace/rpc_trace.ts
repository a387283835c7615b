/**
 * W3C trace context through the SDK's JSON-RPC server and client, on the OpenTelemetry API.
 * The server continues the caller's trace (`traceparent`) with one SERVER span per method
 * call, named after the method; the client sends the active trace's `traceparent`, so a call
 * made while handling a call stays in the same trace. Nothing happens until the process has
 * telemetry (a tracer provider registered: Deno with `OTEL_DENO=true`, hero_proc with an OTLP
 * endpoint, any Node service that sets up the OpenTelemetry SDK), so untraced services pay one
 * comparison per call.
 */
import {
  type Context,
  context,
  propagation,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

/** What the API delegates to while no tracer provider is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a tracer provider is registered in this process. */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider
    ? provider.getDelegate() !== NOOP_PROVIDER
    : provider !== NOOP_PROVIDER;
}

const HEADER_GETTER = {
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
  keys: (h: Headers) => [...h.keys()],
};

/**
 * The trace a request belongs to: the runtime's own server span when it made one (Deno
 * instruments its HTTP server), else the caller's `traceparent`; undefined when untraced.
 */
export function requestTraceContext(headers: Headers): Context | undefined {
  if (!tracingOn()) return undefined;
  const active = context.active();
  if (trace.getSpan(active)?.isRecording()) return active;
  return headers.has("traceparent") ? propagation.extract(active, headers, HEADER_GETTER) : active;
}

/** Runs one JSON-RPC method call as a SERVER span under `parent` (as is, when untraced). */
export function traceRpcCall<T>(
  parent: Context | undefined,
  method: string,
  id: unknown,
  run: () => Promise<T>,
): Promise<T> {
  if (parent === undefined) return run();
  const attributes: Record<string, string> = {
    "rpc.system": "jsonrpc",
    "rpc.jsonrpc.version": "2.0",
    "rpc.method": method,
  };
  if (typeof id === "string" || typeof id === "number") {
    attributes["rpc.jsonrpc.request_id"] = String(id);
  }
  return trace.getTracer("@hero/sdk").startActiveSpan(
    method,
    { kind: SpanKind.SERVER, attributes },
    parent,
    async (span) => {
      try {
        return await run();
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === "number") span.setAttribute("rpc.jsonrpc.error_code", code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Whether Deno's own OpenTelemetry (`OTEL_DENO=true`) is the tracer: its `fetch`, the SDK
 * client's transport on Deno, then adds `traceparent` itself (a second one would make the
 * header invalid).
 */
function fetchPropagates(): boolean {
  const deno = (globalThis as { Deno?: { telemetry?: { tracerProvider?: unknown } } }).Deno;
  return deno !== undefined && trace.getTracerProvider() === deno.telemetry?.tracerProvider;
}

/**
 * Headers for an outgoing JSON-RPC request: with the active trace's `traceparent` (and
 * `tracestate`), unless the transport adds them itself.
 */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (!tracingOn() || fetchPropagates()) return headers;
  return traceHeaders(headers);
}

/** `headers` plus the active trace's `traceparent` (and `tracestate`) when tracing is on. */
export function traceHeaders(headers: Record<string, string>): Record<string, string> {
  if (!tracingOn()) return headers;
  const out = { ...headers };
  propagation.inject(context.active(), out);
  return out;
}
