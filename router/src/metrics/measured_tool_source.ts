/**
 * The MCP gateway's view of the tool source, measured: every tool call is counted and timed by
 * service and outcome in the router's metrics, and traced as a span when telemetry is on. The
 * dashboard's "try it" calls the unmeasured source, so the MCP figures are MCP traffic only.
 */
import type { ToolSource } from "../mcp/tool_source.ts";
import { traceToolCall } from "../telemetry/proxy_trace.ts";
import type { RouterMetrics } from "./router_metrics.ts";

/** `source` with its calls counted in `metrics`. */
export function measuredToolSource(source: ToolSource, metrics: RouterMetrics): ToolSource {
  return {
    list: () => source.list(),
    subscribe: (fn) => source.subscribe(fn),
    async call(service, method, params, opts) {
      const started = performance.now();
      const outcome = await traceToolCall(
        service,
        method,
        () => source.call(service, method, params, opts),
      );
      metrics.toolCall(service, outcome.ok, (performance.now() - started) / 1000);
      return outcome;
    },
  };
}
