/**
 * hero_proc's OpenTelemetry export over OTLP/HTTP (JSON), set up only when an endpoint is
 * configured (`otel_config.ts`; the standard `OTEL_EXPORTER_OTLP_*` variables also give
 * headers, timeouts and per-signal endpoints):
 *
 * - traces: the tracer provider, W3C propagator and async context become the process's
 *   globals, so the SDK's JSON-RPC server records every call to hero_proc as a span that
 *   continues the caller's `traceparent` (the router's, when it came through the proxy);
 * - logs: every line the log store commits is exported as a log record with `service.name`,
 *   `hero.job_id`, `hero.log.source` and the level as attributes.
 *
 * The resource is `service.name=hero_proc` with its version and instance id.
 */
import { context, propagation, SeverityNumber, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { LogRecord } from "../logs/store/log_record.ts";
import type { OtelSettings } from "./otel_config.ts";

/** Where exported log lines come from. */
export interface LogFeed {
  /** Calls `fn` with every batch of committed lines; returns the unsubscribe. */
  subscribe(fn: (records: LogRecord[]) => void): () => void;
}

/** A running export. */
export interface OtelExport {
  /** Sends what is buffered and stops. */
  close(): Promise<void>;
}

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** Starts exporting; `logs` is the log store once open. */
export function startOtelExport(
  settings: OtelSettings,
  opts: { version: string; instanceId: string; logs?: LogFeed; flushMs?: number },
): OtelExport {
  const resource = resourceFromAttributes({
    "service.name": "hero_proc",
    "service.version": opts.version,
    "service.instance.id": opts.instanceId,
  });
  const delay = { scheduledDelayMillis: opts.flushMs ?? 1000 };
  let tracer: TracerProvider | undefined;
  if (settings.traces) {
    tracer = new TracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...delay })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracer);
  }
  let loggers: LoggerProvider | undefined;
  let unsubscribe = () => {};
  if (settings.logs && opts.logs) {
    loggers = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter(),
          ...delay,
          maxQueueSize: 16_384,
          maxExportBatchSize: 2048,
        }),
      ],
    });
    const logger = loggers.getLogger("hero_proc.logs");
    unsubscribe = opts.logs.subscribe((records) => {
      for (const r of records) {
        const attributes: Record<string, string | number> = {
          "service.name": r.service ?? r.source.split(".")[0],
          "hero.log.source": r.source,
          "log.level": r.level,
        };
        if (r.job_id !== null) attributes["hero.job_id"] = r.job_id;
        logger.emit({
          timestamp: r.ts,
          severityNumber: SEVERITY[r.level] ?? SeverityNumber.UNSPECIFIED,
          severityText: r.level.toUpperCase(),
          body: r.message,
          attributes,
        });
      }
    });
  }
  return {
    close: async () => {
      unsubscribe();
      await Promise.all([tracer?.shutdown(), loggers?.shutdown()]).catch(() => {});
      if (tracer) {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
