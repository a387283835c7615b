/**
 * The reverse proxy at `/<service>/<webname>/<rest>`: picks the service's socket (known to
 * discovery, or found on disk on the spot), streams request and response bodies both ways
 * (SSE included, never buffered), relays WebSocket upgrades, and answers 404 for unknown
 * services and 502 with a readable body when the socket does not answer.
 */
import type { ConnectionInfo } from "@hero/sdk";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";
import { readServiceDir } from "../discovery/socket_walk.ts";
import { connectionError } from "../http/connection_error.ts";
import { headersFromPairs } from "../http/hop_by_hop.ts";
import { type ForwardedCaller, forwardRequestHeaders } from "./forward_headers.ts";
import { parseProxyPath, type ProxyPathError, type ProxyTarget } from "./proxy_path.ts";
import { UnixHttpClient } from "../http/unix_http_client.ts";
import type { UpstreamPool } from "../http/upstream_pool.ts";
import { relayWebSocket } from "./ws_relay.ts";
import { withTraceparent } from "../telemetry/proxy_trace.ts";

/** What the proxy needs. */
export interface ReverseProxyOptions {
  root: string;
  registry: ServiceRegistryView;
  /** Asks discovery to look at a service the registry does not know yet. */
  refresh?: (service: string) => void;
}

const MAX_CLIENTS = 512;

/** The proxy: `target` reads where a request goes, `forward` sends it there. */
export class ReverseProxy {
  readonly #opts: ReverseProxyOptions;
  readonly #clients = new Map<string, UnixHttpClient>();

  /** Creates the proxy; connections are pooled per socket. */
  constructor(opts: ReverseProxyOptions) {
    this.#opts = opts;
  }

  /** Where `request` goes: a target, why it cannot go anywhere, or undefined (not a proxy path). */
  target(request: Request): ProxyTarget | ProxyPathError | undefined {
    return parseProxyPath(rawPathAndQuery(request.url));
  }

  /**
   * Forwards `request` to its target's socket (WebSocket upgrades relayed). `body` replaces the
   * request's own body when it was already read (the gate reads JSON-RPC bodies to authorize);
   * `caller` says whom to assert and which of the router's credentials to remove.
   */
  async forward(
    request: Request,
    target: ProxyTarget,
    opts: { info: ConnectionInfo; body?: Uint8Array; caller?: ForwardedCaller },
  ): Promise<Response> {
    const { info, body } = opts;
    const socketPath = await this.#socketPath(target);
    if (!socketPath) {
      return jsonError(
        404,
        this.#opts.registry.get(target.service)
          ? `Not found: service "${target.service}" has no ${target.webname}.sock`
          : `Not found: no service "${target.service}"`,
      );
    }
    const headers = withTraceparent(
      forwardRequestHeaders(request, info, target.prefix, opts.caller),
    );
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      try {
        return await relayWebSocket(request, { socketPath, path: target.rest, headers });
      } catch (err) {
        return badGateway(target, connectionError(err));
      }
    }
    return await this.#forward(request, target, socketPath, headers, body);
  }

  /** The socket discovery knows for `target`, without looking on disk (the fast path). */
  knownSocket(target: ProxyTarget): string | undefined {
    const known = this.#opts.registry.get(target.service)?.entry;
    if (known?.source !== "socket") return undefined;
    return known.sockets.find((s) => s.name === target.webname)?.path;
  }

  /** The connection pool of a socket (shared with the TCP front's fast path). */
  pool(socketPath: string): UpstreamPool {
    return this.#client(socketPath).pool;
  }

  /** Closes pooled connections. */
  close(): void {
    for (const c of this.#clients.values()) c.close();
    this.#clients.clear();
  }

  async #forward(
    request: Request,
    target: ProxyTarget,
    socketPath: string,
    headers: [string, string][],
    bytes?: Uint8Array,
  ): Promise<Response> {
    const client = this.#client(socketPath);
    const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
    const body = bytes ?? (hasBody ? request.body : null);
    let res;
    try {
      res = await client.send({
        method: request.method,
        target: target.rest,
        headers,
        body,
      });
    } catch (err) {
      this.#dropClient(socketPath);
      return badGateway(target, connectionError(err));
    }
    return new Response(request.method === "HEAD" ? null : res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: headersFromPairs(res.headers),
    });
  }

  async #socketPath(t: ProxyTarget): Promise<string | undefined> {
    const hit = this.knownSocket(t);
    if (hit) return hit;
    // Not known (yet): look on disk with the same rules as discovery, and let it catch up.
    const found = await readServiceDir(this.#opts.root, t.service);
    const socket = found?.sockets.find((s) => s.name === t.webname);
    if (found) this.#opts.refresh?.(t.service);
    return socket?.path;
  }

  #client(path: string): UnixHttpClient {
    let c = this.#clients.get(path);
    if (!c) {
      if (this.#clients.size >= MAX_CLIENTS) {
        const [oldest] = this.#clients.keys();
        this.#dropClient(oldest);
      }
      c = new UnixHttpClient(path);
      this.#clients.set(path, c);
    }
    return c;
  }

  #dropClient(path: string): void {
    const c = this.#clients.get(path);
    if (c) {
      this.#clients.delete(path);
      // In-flight requests on this client keep their connections until they finish.
      setTimeout(() => c.close(), 30_000);
    }
  }
}

/** The raw path and query of an absolute URL, without normalising it. */
export function rawPathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const hash = url.indexOf("#", start);
  return hash < 0 ? url.slice(start) : url.slice(start, hash);
}

function badGateway(t: ProxyTarget, why: string): Response {
  return jsonError(502, badGatewayText(t, why));
}

/** The error text of a 502: which socket did not answer, and why. */
export function badGatewayText(t: { service: string; webname: string }, why: string): string {
  return `Bad gateway: ${t.service}/${t.webname}.sock is not answering (${why})`;
}

function jsonError(status: number, error: string): Response {
  return Response.json({ error }, { status });
}
