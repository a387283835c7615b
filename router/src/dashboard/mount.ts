/**
 * Puts the dashboard into a router, in front of the built-in routes (it owns `/`). Tools come
 * from the router's own MCP gateway; "try it" calls go through a tool source over the
 * discovery cache. Returns what must be closed.
 */
import { RegistryToolSource } from "../mcp/registry_tool_source.ts";
import type { RouterApp } from "../server/router_app.ts";
import { createDashboard } from "./dashboard.ts";
import type { RouterLogRing } from "./log_ring.ts";

/** What {@link mountUi} needs besides the app. */
export interface MountUiOptions {
  logs: RouterLogRing;
  /** The admin session token. */
  token: string;
}

/** Mounts the dashboard; the returned function releases its connections. */
export function mountUi(app: RouterApp, o: MountUiOptions): () => Promise<void> {
  const source = new RegistryToolSource(app.registry);
  app.mountFirst(createDashboard({
    registry: app.registry,
    call: (service, method, params, signal) => source.call(service, method, params, { signal }),
    tools: (service) => app.mcp.tools(service).tools,
    logs: o.logs,
    token: o.token,
  }));
  return () => {
    source.close();
    return Promise.resolve();
  };
}
