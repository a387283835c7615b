/**
 * What travels to the MCP client while a tool call runs: a service's `rpc.progress`
 * notifications become `notifications/progress` for the request's `progressToken`, and its
 * `rpc.log` notifications become `notifications/message` (subject to the client's log level).
 * Only calls whose client can receive them ask the service for a streamed reply.
 */
import {
  LOG_LEVEL_META_KEY,
  type LoggingLevel,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { CallNotificationListener } from "./tool_source.ts";

/** MCP log levels, least severe first. */
export const LOG_LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/**
 * The listener that forwards a call's notifications to its MCP client, or undefined when there
 * is nothing to forward to: no progress token, and no log level chosen (2025-11-25:
 * `logging/setLevel` on the session, given as `sessionLevel`; 2026-07-28: the request's
 * envelope).
 */
export function relayFor(
  ctx: ServerContext,
  opts: { sessionLevel?: LoggingLevel; logger: string },
): CallNotificationListener | undefined {
  const token = ctx.mcpReq._meta?.progressToken;
  const envelopeLevel = ctx.mcpReq.envelope?.[LOG_LEVEL_META_KEY as never] as unknown;
  const threshold = LOG_LEVELS.indexOf(
    (typeof envelopeLevel === "string" ? envelopeLevel : opts.sessionLevel) as LoggingLevel,
  );
  if (token === undefined && threshold < 0) return undefined;
  let last = -Infinity;
  return (method, params) => {
    if (method === "rpc.progress" && token !== undefined) {
      const progress = params.progress;
      // MCP requires progress to increase; a service that goes back is not forwarded.
      if (typeof progress !== "number" || !(progress > last)) return;
      last = progress;
      const out: Record<string, unknown> = { progressToken: token, progress };
      if (typeof params.total === "number") out.total = params.total;
      if (typeof params.message === "string") out.message = params.message;
      ctx.mcpReq.notify({ method: "notifications/progress", params: out }).catch(() => {});
    } else if (method === "rpc.log" && threshold >= 0) {
      const found = LOG_LEVELS.indexOf(params.level as LoggingLevel);
      const level = found < 0 ? 1 : found;
      if (level < threshold) return;
      ctx.mcpReq.notify({
        method: "notifications/message",
        params: { level: LOG_LEVELS[level], logger: opts.logger, data: params.data ?? null },
      }).catch(() => {});
    }
  };
}
