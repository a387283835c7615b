/**
 * hero_router as a library: the router application and the discovery cache interface that other
 * parts (the MCP gateway) plug into.
 *
 * @module
 */
export { RouterApp, type RouterAppOptions } from "./src/server/router_app.ts";
export { ROUTER_VERSION } from "./src/version.ts";
export { type Access, type Identity, OWNER, permits } from "./src/gate/identity.ts";
export { type Authenticator, type SessionTokens } from "./src/gate/token_authenticator.ts";
export {
  type ServiceEvent,
  type ServiceEventType,
  type ServiceListener,
  ServiceRegistry,
  type ServiceRegistryView,
} from "./src/discovery/service_registry.ts";
export type {
  ServiceEntry,
  ServiceHealth,
  ServiceRecord,
  SocketEntry,
} from "./src/discovery/service_entry.ts";
export { Discovery, type DiscoveryOptions, type ScanReport } from "./src/discovery/discovery.ts";
export { createLogger, type Logger, silentLogger } from "./src/log/logger.ts";
export { createRouterApp } from "./src/cli/serve_command.ts";
export { type CliOptions, parseCli } from "./src/cli/cli_options.ts";
export { main } from "./main.ts";
