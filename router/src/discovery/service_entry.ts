/**
 * What the router knows about one service: its sockets, what the probes found (title, version,
 * method count, the OpenRPC document) and its health state. This is the shape every consumer of
 * the discovery cache sees: the RPC API, the dashboard, SSE and the MCP gateway.
 */
import type { OpenRpcDocument, ServiceManifest } from "@hero/sdk";
import type { SocketKind } from "@hero/sdk/internal";

/** Health states of a service in the cache (`unreachable`: its peer router cannot be reached). */
export type ServiceHealth = "healthy" | "unhealthy" | "non_rpc" | "unknown" | "unreachable";

/** One socket of a service (`rpc`, `admin`, `web_docs`, ...). */
export interface SocketEntry {
  /** The socket stem, also the `<webname>` of the proxy path. */
  name: string;
  kind: SocketKind;
  path: string;
  /** Whether the last probe reached it (undefined until probed). */
  reachable?: boolean;
  /** The `protocol` of its discovery manifest, when it has one. */
  protocol?: ServiceManifest["protocol"];
  /** Why the last probe failed. */
  error?: string;
}

/** One service in the discovery cache. */
export interface ServiceEntry {
  name: string;
  /**
   * `socket` for services found under the socket root, `manual` for manual_sources.json,
   * `peer` for services of a peer router (federation).
   */
  source: "socket" | "manual" | "peer";
  /** The peer router that has this service (federation); absent on this host's services. */
  host?: string;
  /** The service's socket directory (socket services). */
  dir?: string;
  /** The base URL (manual services). */
  url?: string;
  sockets: SocketEntry[];
  health: ServiceHealth;
  /** The `status` of the service's `/health` document, when it answered. */
  status?: string;
  title: string;
  description: string;
  version: string;
  methodCount: number;
  /** Where RPC calls go: the rpc.sock path or the manual base URL (for `RpcClient`). */
  rpcTarget?: string;
  /** Why the service is unhealthy, in one sentence. */
  error?: string;
  /** ISO time of the last completed probe. */
  probedAt?: string;
}

/** A cached service including its OpenRPC document. */
export interface ServiceRecord {
  entry: ServiceEntry;
  /** The service's OpenRPC document, when it served a valid one. */
  openrpc?: OpenRpcDocument;
}

/** A fresh entry for a service whose sockets were just found and not yet probed. */
export function unprobedEntry(name: string, dir: string, sockets: SocketEntry[]): ServiceEntry {
  const rpc = sockets.find((s) => s.kind === "rpc");
  return {
    name,
    source: "socket",
    dir,
    sockets,
    health: "unknown",
    title: name,
    description: "",
    version: "",
    methodCount: 0,
    ...(rpc ? { rpcTarget: rpc.path } : {}),
  };
}
