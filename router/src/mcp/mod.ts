/**
 * hero_router's MCP gateway: every OpenRPC method of every discovered service as an MCP tool,
 * served over Streamable HTTP in the 2025-11-25 and 2026-07-28 protocol eras.
 *
 * @module
 */
export { createMcpGateway, type McpGateway, type McpGatewayOptions } from "./gateway.ts";
export type { McpCaller } from "./legacy_sessions.ts";
export type {
  CallError,
  CallOutcome,
  ServiceDoc,
  ToolSource,
  ToolSourceEvent,
} from "./tool_source.ts";
export { InMemoryToolSource } from "./memory_tool_source.ts";
export { RpcSocketCaller, type RpcSocketCallerOptions } from "./rpc_socket_caller.ts";
export {
  type CatalogEntry,
  type CatalogLogger,
  ToolCatalog,
  type ToolView,
} from "./tool_catalog.ts";
export type { MethodBinding, ToolDefinition } from "./method_tool.ts";
export { baseToolName, MAX_TOOL_NAME_LENGTH } from "./tool_name.ts";
export {
  type RegistryEventLike,
  type RegistryLike,
  type RegistryRecordLike,
  RegistryToolSource,
} from "./registry_tool_source.ts";
