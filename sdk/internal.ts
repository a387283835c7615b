/**
 * @hero/sdk/internal — the SDK's building blocks that hero_proc and hero_router share but a
 * service author never needs (dispatch, socket handlers, SSE reading, argument splitting, …).
 * No stability promise: use `@hero/sdk` (mod.ts) in services.
 *
 * @module
 */
export { procNotRunning } from "./src/lifecycle/proc_client.ts";
export { hasDurationUnit } from "./src/time/duration.ts";
export { jsonDepthExceeds } from "./src/rpc/json_depth.ts";
export { classifySocket, type SocketKind } from "./src/socket/paths.ts";
export {
  createRpcSocketHandler,
  healthReport,
  type RpcSocketOptions,
} from "./src/server/rpc_socket_handler.ts";
export { createUiSocketHandler } from "./src/server/ui_socket_handler.ts";
export { jsonResponse } from "./src/server/manifest.ts";
export { traceHeaders, withTraceHeaders } from "./src/trace/rpc_trace.ts";
export { readSse, type SseEvent } from "./src/logger/sse_reader.ts";
