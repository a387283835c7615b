/**
 * Starts hero_collab on its sockets: `rpc.sock` (the OpenRPC API: every method is an MCP tool
 * through hero_router), `admin.sock` (the web client and its live WebSocket) and `web_dav.sock`
 * (the read-only WebDAV export). Keeps the directory in step with hero_auth and runs retention.
 */
import fs from "node:fs";
import path from "node:path";
import { HeroServer } from "@hero/sdk";
import { CallerVerifier } from "@hero/sdk/internal";
import { collabApi, type MethodGroup } from "./api/collab_api.ts";
import { liveMethods } from "./api/live_api.ts";
import { CollabService, type CollabServiceOptions } from "./collab_service.ts";
import { HeroAuthClient } from "./identity/hero_auth_client.ts";
import { LiveHub } from "./live/live_hub.ts";
import { LiveEndpoint } from "./live/ws_endpoint.ts";
import { createWebApp } from "./web/web_app.ts";
import { davOnDemand } from "./dav/dav_on_demand.ts";
import { requestCaller } from "./identity/caller.ts";

/** Options of {@link startCollabServer}. */
export interface CollabServerOptions extends Partial<CollabServiceOptions> {
  /** Data directory: `collab.db` and `files/` (default `~/hero/var/hero_collab`). */
  dataDir: string;
  socketRoot: string;
  /** Service name (default `hero_collab`). */
  name?: string;
  /** hero_auth's rpc socket (default `<root>/hero_auth/rpc.sock`); `false`: no hero_auth. */
  authSocket?: string | false;
  /** How often the directory is refreshed from hero_auth (default 30 s). */
  syncIntervalMs?: number;
  /** How often retention runs (default hourly). */
  retentionIntervalMs?: number;
  /** Reports problems that have no caller (sync, retention). */
  onError?: (message: string, detail: Record<string, unknown>) => void;
  /** Extra method groups. */
  extraMethods?: MethodGroup[];
}

/** A running hero_collab. */
export interface RunningCollab {
  svc: CollabService;
  server: HeroServer;
  hub: LiveHub;
  /** Stops serving and closes the database. */
  close(): Promise<void>;
}

/** Opens the data directory, syncs with hero_auth (if reachable) and binds the sockets. */
export async function startCollabServer(opts: CollabServerOptions): Promise<RunningCollab> {
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const auth = opts.authSocket === false
    ? undefined
    : new HeroAuthClient(opts.authSocket ?? path.join(opts.socketRoot, "hero_auth", "rpc.sock"));
  const svc = new CollabService({
    dbPath: opts.dbPath ?? path.join(opts.dataDir, "collab.db"),
    filesDir: opts.filesDir ?? path.join(opts.dataDir, "files"),
    limits: opts.limits,
    adminGroup: opts.adminGroup,
    directorySource: opts.directorySource ?? auth,
    outgoing: opts.outgoing,
    socketRoot: opts.socketRoot,
    groupManager: opts.groupManager ?? auth,
  });
  const report = (message: string) => (err: unknown) =>
    opts.onError?.(message, { error: (err as Error).message });
  await svc.syncDirectory().catch(report("directory sync with hero_auth failed"));
  const hub = new LiveHub(svc);
  const api = collabApi(svc, [liveMethods(hub), ...(opts.extraMethods ?? [])]);
  const name = opts.name ?? "hero_collab";
  // The live socket and the export are raw Node listeners: they check hero_router's
  // assertions themselves, with the same verifier the SDK uses for the other sockets.
  const verifier = new CallerVerifier(opts.socketRoot, name);
  const callerOfRequest = (request: Request) =>
    requestCaller(request, { transport: "unix" }, verifier);
  const endpoint = new LiveEndpoint({
    hub,
    api,
    authenticate: callerOfRequest,
  });
  const web = createWebApp({ svc });
  const server = new HeroServer({
    name,
    api,
    socketRoot: opts.socketRoot,
    admin: (request, info) => Promise.resolve(web.fetch(request, { info })),
    adminUpgrade: endpoint.upgrade,
    webNode: {
      dav: davOnDemand(svc, callerOfRequest, opts.onError) as (
        req: unknown,
        res: unknown,
      ) => void,
    },
    limits: { maxBodyBytes: 4 * 1024 * 1024 },
  });
  try {
    await server.start();
  } catch (err) {
    svc.close();
    auth?.close();
    throw err;
  }
  const sync = setInterval(
    () => svc.syncDirectory().catch(report("directory sync with hero_auth failed")),
    opts.syncIntervalMs ?? 30_000,
  );
  sync.unref();
  const retention = setInterval(() => {
    try {
      svc.retention.run();
    } catch (err) {
      report("retention failed")(err);
    }
  }, opts.retentionIntervalMs ?? 3600_000);
  retention.unref();
  return {
    svc,
    server,
    hub,
    close: async () => {
      clearInterval(sync);
      clearInterval(retention);
      hub.shutdown();
      endpoint.close();
      await server.close();
      auth?.close();
      svc.close();
    },
  };
}
