/**
 * hero_router's version, read from `router/deno.json` (the version JSR publishes), so the
 * OpenRPC document, the manifests and the MCP `serverInfo` never drift from the package.
 */
import routerPackage from "../deno.json" with { type: "json" };

/** The router's version, e.g. `0.1.0`. */
export const ROUTER_VERSION: string = routerPackage.version;
