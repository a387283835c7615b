/**
 * @hero/sdk — build Hero services: Unix-socket servers speaking JSON-RPC 2.0 with an OpenRPC
 * document, health and discovery manifest, and the matching client. Runs on Deno, Node and Bun.
 *
 * @module
 */
export { HeroError, type HeroErrorOptions, isHeroError } from "./src/errors/hero_error.ts";
export { RpcError, RpcErrorCode, type RpcErrorObject } from "./src/errors/rpc_error.ts";
export {
  errorMapper,
  fromWireError,
  type MappedHandler,
  toWireError,
} from "./src/errors/wire_mapping.ts";
export {
  RESERVED_SERVICE_NAMES,
  serviceNameProblem,
  validateServiceName,
} from "./src/socket/service_name.ts";
export {
  resolveSocketRoot,
  type ServiceSocketPaths,
  serviceSocketPaths,
} from "./src/socket/paths.ts";
export {
  type CallContext,
  type CallContextInit,
  type CallerLogLevel,
  defineMethod,
  type ErrorSpec,
  type ExampleSpec,
  type JsonSchema,
  type MethodAnnotations,
  type MethodSpec,
  type ParamSpec,
  type ProgressUpdate,
  type ResultSpec,
} from "./src/openrpc/method.ts";
export {
  binarySchema,
  decodeBase64,
  encodeBase64,
  textContentSchema,
} from "./src/openrpc/content.ts";
export {
  type ApiInfo,
  type ApiOptions,
  defineApi,
  type OpenRpcDocument,
  RpcApi,
} from "./src/openrpc/api.ts";
export {
  DEFAULT_DISPATCH_LIMITS,
  dispatchJsonRpc,
  type DispatchLimits,
} from "./src/rpc/dispatcher.ts";
export { type JsonRpcScanProblem, scanJsonRpcText } from "./src/rpc/json_rpc_scan.ts";
export type { RpcId, RpcRequest, RpcResponse } from "./src/rpc/messages.ts";
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./src/server/limits.ts";
export type {
  HealthCheck,
  HealthCheckResult,
  HealthReport,
  HealthStatus,
  ServiceManifest,
} from "./src/server/manifest.ts";
export { type BoundSocket, HeroServer, type HeroServerOptions } from "./src/server/hero_server.ts";
export { isJsonContentType } from "./src/server/rpc_socket_handler.ts";
export { readBodyText, readStreamBounded } from "./src/server/read_body.ts";
export {
  type BatchEntry,
  type BatchOutcome,
  type CallOptions,
  RpcClient,
  type RpcClientOptions,
} from "./src/client/rpc_client.ts";
export { currentRuntime } from "./src/runtime/current.ts";
export { tracingOn } from "./src/trace/rpc_trace.ts";
export type {
  ConnectionInfo,
  FetchHandler,
  HttpTransport,
  Listener,
  ListenLimits,
  NodeRequestListener,
  Runtime,
  ServeHooks,
  StreamingResponse,
  UpgradeHandler,
} from "./src/runtime/types.ts";
export {
  HeroLogger,
  type HeroLoggerOptions,
  LOG_LEVELS,
  type LogLevel,
  sourceSegment,
} from "./src/logger/hero_logger.ts";
export type { ShipperStats } from "./src/logger/log_shipper.ts";
export { followLogs, type FollowOptions, type LogRecord } from "./src/logger/log_follower.ts";
export {
  HeroLifecycle,
  type HeroLifecycleOptions,
  type RunContext,
} from "./src/lifecycle/hero_lifecycle.ts";
export { parseEnvPairs, splitArgs } from "./src/lifecycle/split_args.ts";
export {
  type Access,
  ADMIN_SCOPE,
  ANONYMOUS_CALLER,
  type AuthIdentity,
  type Caller,
  CALLER_HEADER,
  callerPermits,
  type CredentialKind,
  isAdminCaller,
  OWNER_CALLER,
  READ_SCOPE,
} from "./src/caller/caller.ts";
export { callerKeyPath, CallerSigner, CallerVerifier } from "./src/caller/caller_assertion.ts";
export { resolveCaller, withCaller } from "./src/caller/resolve_caller.ts";
export { parseDuration } from "./src/time/duration.ts";
