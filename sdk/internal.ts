/**
 * `@hero/sdk/internal` — the SDK's building blocks that hero_proc and hero_router share but a
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
  isJsonContentType,
  type RpcSocketOptions,
} from "./src/server/rpc_socket_handler.ts";
export { createUiSocketHandler } from "./src/server/ui_socket_handler.ts";
export { jsonResponse } from "./src/server/manifest.ts";
export { readBodyText, readStreamBounded } from "./src/server/read_body.ts";
export { traceHeaders, tracingOn, withTraceHeaders } from "./src/trace/rpc_trace.ts";
export { readSse, type SseEvent } from "./src/logger/sse_reader.ts";
export {
  DEFAULT_DISPATCH_LIMITS,
  dispatchJsonRpc,
  type DispatchLimits,
} from "./src/rpc/dispatcher.ts";
export { type JsonRpcScanProblem, scanJsonRpcText } from "./src/rpc/json_rpc_scan.ts";
export type { RpcId, RpcRequest, RpcResponse } from "./src/rpc/messages.ts";
export { fromWireError, toWireError } from "./src/errors/wire_mapping.ts";
export { currentRuntime } from "./src/runtime/current.ts";
export { parseEnvPairs, splitArgs } from "./src/lifecycle/split_args.ts";
export { CALLER_HEADER } from "./src/caller/caller.ts";
export { callerKeyPath, CallerSigner, CallerVerifier } from "./src/caller/caller_assertion.ts";
export { resolveCaller, withCaller } from "./src/server/resolve_caller.ts";
