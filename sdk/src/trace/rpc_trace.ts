/**
 * W3C trace context through the SDK's JSON-RPC server and client, on whatever OpenTelemetry the
 * process has registered. The server continues the caller's trace (`traceparent`) with one
 * SERVER span per method call, named after the method; the client sends the active trace's
 * `traceparent`, so a call made while handling a call stays in the same trace.
 *
 * The SDK does not import `@opentelemetry/api`: it reads the tracer provider, context manager
 * and propagator that the API registers on its global (`Symbol.for("opentelemetry.js.api.1")`,
 * the API's own contract across 1.x versions and module copies). Deno fills it when started
 * with `OTEL_DENO=true`, the OpenTelemetry JS SDK when a Node service (hero_proc with an
 * endpoint) sets it up. A process without telemetry pays one property read per call, and the
 * SDK stays importable by path from any Deno project.
 */

/** The parts of OpenTelemetry's registered globals the SDK uses (structural). */
interface OtelContext {
  getValue(key: symbol): unknown;
}
interface OtelSpan {
  isRecording(): boolean;
  setAttribute(key: string, value: string | number): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}
interface OtelGlobals {
  trace?: {
    getTracer(name: string): {
      startActiveSpan<T>(
        name: string,
        options: { kind: number; attributes: Record<string, string> },
        context: OtelContext | undefined,
        fn: (span: OtelSpan) => T,
      ): T;
    };
  };
  context?: { active(): OtelContext };
  propagation?: {
    inject(context: OtelContext, carrier: unknown, setter: unknown): void;
    extract(context: OtelContext, carrier: unknown, getter: unknown): OtelContext;
  };
}

const GLOBAL_KEY = Symbol.for("opentelemetry.js.api.1");
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
const SPAN_KIND_SERVER = 1;
const STATUS_ERROR = 2;

/** The trace context a request was handled in (opaque to callers). */
export type TraceParent = OtelContext;

function otel(): OtelGlobals | undefined {
  return (globalThis as Record<symbol, OtelGlobals | undefined>)[GLOBAL_KEY];
}

/** Whether a tracer provider is registered in this process. */
export function tracingOn(): boolean {
  return otel()?.trace !== undefined;
}

const HEADER_GETTER = {
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
  keys: (h: Headers) => [...h.keys()],
};
const RECORD_SETTER = {
  set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value),
};

/**
 * The trace a request belongs to: the runtime's own server span when it made one (Deno
 * instruments its HTTP server), else the caller's `traceparent`; undefined when untraced.
 */
export function requestTraceContext(headers: Headers): TraceParent | undefined {
  const g = otel();
  if (!g?.trace || !g.context) return undefined;
  const active = g.context.active();
  const span = active.getValue(SPAN_KEY) as OtelSpan | undefined;
  if (span?.isRecording()) return active;
  return headers.has("traceparent") && g.propagation
    ? g.propagation.extract(active, headers, HEADER_GETTER)
    : active;
}

/** Runs one JSON-RPC method call as a SERVER span under `parent` (as is, when untraced). */
export function traceRpcCall<T>(
  parent: TraceParent | undefined,
  method: string,
  id: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const tracerProvider = parent === undefined ? undefined : otel()?.trace;
  if (!tracerProvider) return run();
  const attributes: Record<string, string> = {
    "rpc.system": "jsonrpc",
    "rpc.jsonrpc.version": "2.0",
    "rpc.method": method,
  };
  if (typeof id === "string" || typeof id === "number") {
    attributes["rpc.jsonrpc.request_id"] = String(id);
  }
  return tracerProvider.getTracer("@hero/sdk").startActiveSpan(
    method,
    { kind: SPAN_KIND_SERVER, attributes },
    parent,
    async (span) => {
      try {
        return await run();
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code === "number") span.setAttribute("rpc.jsonrpc.error_code", code);
        span.setStatus({ code: STATUS_ERROR, message: (err as Error).message });
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
function fetchPropagates(g: OtelGlobals): boolean {
  const deno = (globalThis as { Deno?: { telemetry?: { tracerProvider?: unknown } } }).Deno;
  return deno !== undefined && g.trace === deno.telemetry?.tracerProvider;
}

/**
 * Headers for an outgoing JSON-RPC request: with the active trace's `traceparent` (and
 * `tracestate`), unless the transport adds them itself.
 */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  const g = otel();
  if (!g?.trace || fetchPropagates(g)) return headers;
  return traceHeaders(headers);
}

/** `headers` plus the active trace's `traceparent` (and `tracestate`) when tracing is on. */
export function traceHeaders(headers: Record<string, string>): Record<string, string> {
  const g = otel();
  if (!g?.trace || !g.context || !g.propagation) return headers;
  const out = { ...headers };
  g.propagation.inject(g.context.active(), out, RECORD_SETTER);
  return out;
}
