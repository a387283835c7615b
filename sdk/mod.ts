/**
 * `@hero/sdk` — build Hero services: Unix-socket servers speaking JSON-RPC 2.0 with an OpenRPC
 * document, health and discovery manifest, and the matching client. Runs on Deno, Node and Bun.
 *
 * This entry point is what a service author needs; the plumbing hero_proc and hero_router share
 * lives in `@hero/sdk/internal`.
 *
 * @example A service with one method, served on `<socket root>/greeter/rpc.sock`
 * ```ts
 * import { defineApi, defineMethod, HeroServer } from "@hero/sdk";
 *
 * const api = defineApi({
 *   info: { title: "Greeter", version: "1.0.0" },
 *   methods: [
 *     defineMethod<{ name: string }, string>({
 *       name: "greet",
 *       params: [{ name: "name", required: true, schema: { type: "string" } }],
 *       result: { name: "greeting", schema: { type: "string" } },
 *       handler: ({ name }) => `Hello, ${name}`,
 *     }),
 *   ],
 * });
 * const server = new HeroServer({ name: "greeter", api });
 * await server.start();
 * ```
 *
 * @module
 */
export { HeroError, type HeroErrorOptions, isHeroError } from "./src/errors/hero_error.ts";
export { RpcError, RpcErrorCode, type RpcErrorObject } from "./src/errors/rpc_error.ts";
export { errorMapper, type MappedHandler } from "./src/errors/wire_mapping.ts";
export {
  RESERVED_SERVICE_NAMES,
  serviceNameProblem,
  validateServiceName,
} from "./src/socket/service_name.ts";
export {
  resolveSocketRoot,
  type ServiceSocketPaths,
  serviceSocketPaths,
  type SocketRootSource,
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
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from "./src/server/limits.ts";
export type {
  HealthCheck,
  HealthCheckResult,
  HealthReport,
  HealthStatus,
  ServiceManifest,
} from "./src/server/manifest.ts";
export { type BoundSocket, HeroServer, type HeroServerOptions } from "./src/server/hero_server.ts";
export {
  type BatchEntry,
  type BatchOutcome,
  type CallOptions,
  RpcClient,
  type RpcClientOptions,
} from "./src/client/rpc_client.ts";
export type { NotificationListener } from "./src/client/reply_reader.ts";
export type {
  ConnectionInfo,
  FetchHandler,
  FileInfo,
  HttpTransport,
  Listener,
  ListenLimits,
  NodeRequestListener,
  Runtime,
  ServeHooks,
  SimpleRequest,
  SimpleResponse,
  StreamingResponse,
  TransportTarget,
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
export {
  type Access,
  ADMIN_SCOPE,
  ANONYMOUS_CALLER,
  type AuthIdentity,
  type Caller,
  callerPermits,
  type CredentialKind,
  isAdminCaller,
  OWNER_CALLER,
  READ_SCOPE,
} from "./src/caller/caller.ts";
export { parseDuration } from "./src/time/duration.ts";
