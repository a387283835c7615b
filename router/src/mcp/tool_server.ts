/**
 * The MCP server instance behind both protocol eras: the SDK's low-level `Server` with
 * `tools/list`, `tools/call` and `logging/setLevel`, reading the live catalog view on every
 * request. It is cheap to build, so the stateless 2026-07-28 era gets a fresh one per HTTP
 * request and every 2025-11-25 session its own.
 */
import {
  type LoggingLevel,
  ProtocolError,
  ProtocolErrorCode,
  Server,
} from "@modelcontextprotocol/server";
import { callTool } from "./call_tool.ts";
import { LOG_LEVELS, relayFor } from "./call_relay.ts";
import type { McpCaller } from "./legacy_sessions.ts";
import type { CatalogEntry, ToolView } from "./tool_catalog.ts";
import type { ToolSource } from "./tool_source.ts";

/** What a tool server needs. */
export interface ToolServerOptions {
  /** The tools of this endpoint, read at request time. */
  view: () => ToolView;
  /** Calls the methods behind the tools. */
  source: ToolSource;
  /** `serverInfo` announced to clients. */
  info: { name: string; version: string; title?: string };
  /** Optional instructions shown to the model. */
  instructions?: string;
  /** Cache lifetime announced for `tools/list` on the 2026-07-28 era, in milliseconds. */
  listTtlMs: number;
  /**
   * Aborts every call of this instance (2026-07-28: the HTTP request of the one call it serves,
   * so a client that goes away cancels the service's work).
   */
  signal?: AbortSignal;
  /** Who is calling: only the tools they may call are listed and callable. */
  caller: McpCaller;
}

/** Whether a tool only reads (its method is marked `readOnlyHint`). */
export function isReadOnlyTool(entry: CatalogEntry): boolean {
  return entry.tool.annotations?.readOnlyHint === true;
}

/** Builds one MCP server instance over the catalog. */
export function createToolServer(opts: ToolServerOptions): Server {
  const server = new Server(opts.info, {
    // logging: services' rpc.log messages reach the client as notifications/message.
    capabilities: { tools: { listChanged: true }, logging: {} },
    instructions: opts.instructions,
    cacheHints: {
      // The list depends on the caller's access; list_changed tells subscribers when it moves.
      "tools/list": { ttlMs: opts.listTtlMs, cacheScope: "private" },
      "server/discover": { ttlMs: opts.listTtlMs, cacheScope: "private" },
    },
  });
  // Services' messages are opt-in: a session that never chose a level gets none (and its
  // calls need no streamed reply). One instance serves one session (or one 2026 request).
  let sessionLevel: LoggingLevel | undefined;
  server.setRequestHandler("logging/setLevel", (request) => {
    const level = request.params.level;
    if (!LOG_LEVELS.includes(level)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown log level "${level}"`);
    }
    sessionLevel = level;
    return {};
  });
  const may = (entry: CatalogEntry) =>
    opts.caller.mayCall({ service: entry.binding.service, readOnly: isReadOnlyTool(entry) });
  server.setRequestHandler("tools/list", () => {
    const view = opts.view();
    return { tools: view.tools.filter((t) => may(view.get(t.name)!)) };
  });
  server.setRequestHandler("tools/call", (request, ctx) => {
    const { name, arguments: args } = request.params;
    const entry = opts.view().get(name);
    if (!entry) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: "${name}"`);
    }
    if (!may(entry)) {
      return {
        content: [{
          type: "text" as const,
          text: `Forbidden: the tool "${name}" changes state and needs write access to ` +
            `"${entry.binding.service}"; this caller may only read`,
        }],
        isError: true,
      };
    }
    const signal = opts.signal ? eitherSignal(ctx.mcpReq.signal, opts.signal) : ctx.mcpReq.signal;
    const onNotification = relayFor(ctx, { sessionLevel, logger: entry.binding.service });
    return callTool(opts.source, entry, args, {
      signal,
      onNotification,
      caller: opts.caller.identity,
    });
  });
  return server;
}

/**
 * A signal that aborts when either does. Not `AbortSignal.any`: its result is held only weakly
 * by its sources, and one collected mid-call would never abort the service's call.
 */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const ctl = new AbortController();
  const abort = () => ctl.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener("abort", abort, { once: true });
  b.addEventListener("abort", abort, { once: true });
  return ctl.signal;
}
