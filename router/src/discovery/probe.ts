/**
 * Probing a service: for its rpc socket the OpenRPC document, `/health` and the discovery
 * manifest; for the other sockets the manifest. All under one deadline (3 s by default), so a
 * broken service costs the scanner at most that, whatever it does.
 */
import type { OpenRpcDocument, ServiceManifest } from "@hero/sdk";
import { UnixHttpClient } from "../http/unix_http_client.ts";
import { fetchJson, fetchJsonUnix, type FetchLimits, type JsonOutcome } from "./bounded_fetch.ts";
import type { ServiceEntry, SocketEntry } from "./service_entry.ts";

/** Probe settings. */
export interface ProbeOptions {
  /** Deadline of the whole probe of one service, in milliseconds. */
  timeoutMs: number;
  /** Largest OpenRPC document accepted, in bytes. */
  maxDocumentBytes?: number;
}

/** The probed service and its OpenRPC document. */
export interface ProbeResult {
  entry: ServiceEntry;
  openrpc?: OpenRpcDocument;
  /** True when no socket accepted a connection (maybe not listening yet). */
  nothingReachable: boolean;
}

const SMALL: FetchLimits = { maxBytes: 64 * 1024, maxDepth: 32 };

/** Where one socket's HTTP requests go: a Unix-socket client or a base URL. */
type Endpoint = { client: UnixHttpClient } | { base: string };

/** Probes every socket of a socket service (entry carries the sockets found on disk). */
export async function probeSocketService(
  base: ServiceEntry,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const clients: UnixHttpClient[] = [];
  try {
    const sockets = await Promise.all(base.sockets.map(async (s) => {
      const client = new UnixHttpClient(s.path);
      clients.push(client);
      return await probeEndpoint(s, { client }, signal, opts);
    }));
    return summarise(base, sockets);
  } finally {
    for (const c of clients) c.close();
  }
}

/** Probes a manual (URL) service as if it were one rpc socket. */
export async function probeUrlService(
  base: ServiceEntry,
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const socket: SocketEntry = { name: "rpc", kind: "rpc", path: base.url ?? "" };
  const probed = await probeEndpoint(socket, { base: base.url!.replace(/\/$/, "") }, signal, opts);
  return summarise({ ...base, sockets: [] }, [probed]);
}

interface ProbedSocket {
  socket: SocketEntry;
  manifest?: ServiceManifest;
  health?: { status?: string; reason?: string };
  openrpc?: OpenRpcDocument;
  problem?: string;
}

async function probeEndpoint(
  socket: SocketEntry,
  ep: Endpoint,
  signal: AbortSignal,
  opts: ProbeOptions,
): Promise<ProbedSocket> {
  const get = (path: string, limits: FetchLimits) =>
    "client" in ep
      ? fetchJsonUnix(ep.client, path, signal, limits)
      : fetchJson(ep.base + path, { signal }, limits);
  const docLimits = { maxBytes: opts.maxDocumentBytes ?? 8 * 1024 * 1024, maxDepth: 256 };
  const manifestP = get("/.well-known/heroservice.json", SMALL);
  const [manifest, health, doc] = socket.kind === "rpc"
    ? await Promise.all([manifestP, get("/health", SMALL), get("/openrpc.json", docLimits)])
    : [await manifestP, undefined, undefined];
  const out: ProbedSocket = { socket: { ...socket } };
  const all = [manifest, health, doc].filter((o): o is JsonOutcome => o !== undefined);
  const connected = all.some((o) => o.ok || !o.connectFailed);
  out.socket.reachable = connected;
  if (!connected) {
    out.socket.error = (all[0] as { error: string }).error;
    out.problem = `${socket.name}.sock: ${out.socket.error}`;
    return out;
  }
  if (manifest.ok && isManifest(manifest.value)) {
    out.manifest = manifest.value;
    out.socket.protocol = manifest.value.protocol;
  }
  if (socket.kind !== "rpc") return out;
  if (health?.ok && health.value && typeof health.value === "object") {
    out.health = health.value as { status?: string; reason?: string };
  } else {
    out.problem = `/health: ${health?.ok ? "not a health document" : health?.error}`;
  }
  if (doc?.ok) {
    const problem = openRpcProblem(doc.value);
    if (problem) out.problem = `/openrpc.json: ${problem}`;
    else out.openrpc = doc.value as OpenRpcDocument;
  } else out.problem = `/openrpc.json: ${doc?.error}`;
  if (out.problem) out.socket.error = out.problem;
  return out;
}

function summarise(base: ServiceEntry, probed: ProbedSocket[]): ProbeResult {
  const entry: ServiceEntry = {
    ...base,
    sockets: base.source === "socket" ? probed.map((p) => p.socket) : [],
    probedAt: new Date().toISOString(),
  };
  delete entry.error;
  delete entry.status;
  const rpc = probed.find((p) => p.socket.kind === "rpc");
  const manifest = rpc?.manifest ?? probed.find((p) => p.manifest)?.manifest;
  const info = rpc?.openrpc?.info;
  entry.title = str(info?.title) ?? str(manifest?.title) ?? base.name;
  entry.description = str(info?.description) ?? str(manifest?.description) ?? "";
  entry.version = str(info?.version) ?? str(manifest?.version) ?? "";
  entry.methodCount = rpc?.openrpc?.methods.length ?? 0;
  const nothingReachable = probed.every((p) => !p.socket.reachable);
  if (!rpc) {
    entry.health = nothingReachable ? "unhealthy" : "non_rpc";
    if (nothingReachable) entry.error = probed[0]?.problem ?? "no socket answers";
  } else if (rpc.problem) {
    entry.health = "unhealthy";
    entry.error = rpc.problem;
  } else {
    entry.status = String(rpc.health?.status ?? "");
    entry.health = rpc.health?.status === "ok" ? "healthy" : "unhealthy";
    if (entry.health === "unhealthy") {
      entry.error = `health is "${entry.status}"${
        rpc.health?.reason ? `: ${String(rpc.health.reason).slice(0, 300)}` : ""
      }`;
    }
  }
  return { entry, openrpc: rpc?.openrpc, nothingReachable };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v.slice(0, 1000) : undefined;
}

function isManifest(v: unknown): v is ServiceManifest {
  const m = v as ServiceManifest;
  return !!m && typeof m === "object" && (m.protocol === "openrpc" || m.protocol === "ui");
}

/** Why `doc` is not a usable OpenRPC document, or undefined. */
export function openRpcProblem(doc: unknown): string | undefined {
  const d = doc as OpenRpcDocument;
  if (!d || typeof d !== "object" || Array.isArray(d)) return "not a JSON object";
  if (typeof d.openrpc !== "string") return 'missing "openrpc" version string';
  if (!d.info || typeof d.info !== "object") return 'missing "info" object';
  if (!Array.isArray(d.methods)) return 'missing "methods" array';
  for (const m of d.methods) {
    if (!m || typeof m !== "object" || typeof (m as { name?: unknown }).name !== "string") {
      return "a method has no name";
    }
  }
  return undefined;
}
