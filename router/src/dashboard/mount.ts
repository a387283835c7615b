/**
 * Puts the web UI into a running router: the MCP gateway at `/mcp` over the discovery cache,
 * and the dashboard in front of the built-in routes (it owns `/`). Returns what must be closed.
 */
import { createMcpGateway } from "../mcp/gateway.ts";
import { RegistryToolSource } from "../mcp/registry_tool_source.ts";
import type { RouterApp } from "../server/router_app.ts";
import { createDashboard } from "./dashboard.ts";
import type { RouterLogRing } from "./log_ring.ts";

/** What {@link mountUi} needs besides the app. */
export interface MountUiOptions {
  logs: RouterLogRing;
  /** The admin session token. */
  token: string;
  /** Hostnames allowed in `Host`/`Origin` for the MCP gateway on TCP. */
  allowedHosts?: string[];
}

/** Mounts the MCP gateway and the dashboard; the returned function closes the gateway. */
export function mountUi(app: RouterApp, o: MountUiOptions): () => Promise<void> {
  const source = new RegistryToolSource(app.registry);
  const gateway = createMcpGateway({
    source,
    log: (m) => o.logs.record("debug", m),
  });
  app.mount((request) => {
    const path = new URL(request.url).pathname;
    return path === "/mcp" || path.startsWith("/mcp/") ? gateway.handler(request) : undefined;
  });
  app.mountFirst(createDashboard({
    registry: app.registry,
    call: (service, method, params, signal) => source.call(service, method, params, signal),
    tools: (service) => gateway.tools(service).tools,
    logs: o.logs,
    token: o.token,
  }));
  return async () => {
    await gateway.close();
    source.close();
  };
}
