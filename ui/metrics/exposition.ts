/**
 * The `/metrics` answer of hero_router and hero_proc from a prom-client registry: OpenMetrics
 * when the scraper asks for it (Prometheus does), else the Prometheus text format (promtool,
 * curl). Scrapes of one registry run one after another, because prom-client renders OpenMetrics
 * by renaming counters (dropping `_total`) on the metric objects themselves: the names are put
 * back afterwards, so the same metrics serve both formats and are counted once.
 */
import { Registry } from "prom-client";

const OPENMETRICS = "application/openmetrics-text";
const queues = new WeakMap<Registry, Promise<unknown>>();

/**
 * Renders `registry` for a scraper's `Accept` header; `collect` runs first, inside the same
 * turn (values read at scrape time). A failing `collect` answers 503 with the reason.
 */
export function metricsResponse(
  registry: Registry,
  accept: string | null,
  collect?: () => Promise<void>,
): Promise<Response> {
  const open = accept?.includes(OPENMETRICS) ?? false;
  const text = (queues.get(registry) ?? Promise.resolve()).then(async () => {
    await collect?.();
    return await exposition(registry, open);
  });
  queues.set(registry, text.catch(() => {}));
  return text.then(
    (body) =>
      new Response(body, {
        headers: {
          "content-type": open ? Registry.OPENMETRICS_CONTENT_TYPE : registry.contentType,
          "cache-control": "no-store",
        },
      }),
    (err) => new Response(`Cannot collect metrics: ${(err as Error).message}\n`, { status: 503 }),
  );
}

async function exposition(registry: Registry, open: boolean): Promise<string> {
  if (!open) return await registry.metrics();
  const counters = registry.getMetricsAsArray().filter((m) => String(m.type) === "counter")
    .map((m) => [m, m.name] as const);
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
  try {
    return await registry.metrics();
  } finally {
    registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
    for (const [m, name] of counters) (m as { name: string }).name = name;
  }
}
