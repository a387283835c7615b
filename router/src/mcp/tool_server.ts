/**
 * The MCP server instance behind both protocol eras: the SDK's low-level `Server` with just
 * `tools/list` and `tools/call`, reading the live catalog view on every request. It is cheap to
 * build, so the stateless 2026-07-28 era gets a fresh one per HTTP request and every 2025-11-25
 * session its own.
 */
import { ProtocolError, ProtocolErrorCode, Server } from "@modelcontextprotocol/server";
import { callTool } from "./call_tool.ts";
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
    capabilities: { tools: { listChanged: true } },
    instructions: opts.instructions,
    cacheHints: {
      // The list depends on the caller's access; list_changed tells subscribers when it moves.
      "tools/list": { ttlMs: opts.listTtlMs, cacheScope: "private" },
      "server/discover": { ttlMs: opts.listTtlMs, cacheScope: "private" },
    },
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
    return callTool(opts.source, entry.binding, args, {
      signal: ctx.mcpReq.signal,
      caller: opts.caller.identity,
    });
  });
  return server;
}
