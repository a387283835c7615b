/**
 * Whether hero_proc exports OpenTelemetry, from the standard environment variables: an OTLP
 * endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, or the per-signal `…_TRACES_ENDPOINT` /
 * `…_LOGS_ENDPOINT`) turns export on, `OTEL_SDK_DISABLED=true` keeps it off. Kept apart from
 * the exporter so that a daemon without telemetry never loads the OpenTelemetry SDK.
 */

/** What to export. */
export interface OtelSettings {
  traces: boolean;
  logs: boolean;
}

/** The signals to export, or undefined when telemetry is off. */
export function otelSettings(env: Record<string, string | undefined>): OtelSettings | undefined {
  if ((env.OTEL_SDK_DISABLED ?? "").toLowerCase() === "true") return undefined;
  const base = !!env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const traces = (base || !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) &&
    env.OTEL_TRACES_EXPORTER !== "none";
  const logs = (base || !!env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) &&
    env.OTEL_LOGS_EXPORTER !== "none";
  return traces || logs ? { traces, logs } : undefined;
}
