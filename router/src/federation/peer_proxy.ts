/**
 * The proxy's hop to a peer router: `/<peer>/<service>/<socket>/<rest>` is sent to the peer's
 * own proxy at `/<service>/<socket>/<rest>` over a pool of kept-alive HTTP/1.1 connections
 * (TCP, or TLS for https peers), bodies streamed both ways, WebSocket upgrades relayed. The
 * caller's credential (bearer header, session cookie) never leaves this router: the peer gets
 * the pinned peer token instead, plus `X-Forwarded-Prefix: /<peer>` so the service's links
 * keep the peer segment, and the active trace's `traceparent`.
 */
import type { ConnectionInfo } from "@hero/sdk";
import { ROUTER_COOKIES } from "../gate/router_cookies.ts";
import { connectionError } from "../http/connection_error.ts";
import { headersFromPairs } from "../http/hop_by_hop.ts";
import { forwardRequestHeaders } from "../proxy/forward_headers.ts";
import type { ProxyTarget } from "../proxy/proxy_path.ts";
import { UnixHttpClient } from "../http/unix_http_client.ts";
import { relayWebSocket } from "../proxy/ws_relay.ts";
import { withTraceparent } from "../telemetry/proxy_trace.ts";
import type { PeerConfig } from "./peer_config.ts";

/** A proxied request bound for a peer. */
export interface PeerTarget extends ProxyTarget {
  /** The peer's name (first path segment). */
  peer: string;
  /** The service's name on the peer. */
  remoteService: string;
}

/** How long connecting to a peer may take before the request fails with 502. */
const CONNECT_TIMEOUT_MS = 3000;

/** Forwards requests to one peer router. */
export class PeerProxy {
  readonly #peer: PeerConfig;
  readonly #url: URL;
  readonly #client: UnixHttpClient;

  /** A pool of connections to `peer`, opened on demand. */
  constructor(peer: PeerConfig) {
    this.#peer = peer;
    this.#url = new URL(peer.url);
    this.#client = new UnixHttpClient(peer.url, { connect: () => this.#connect() });
  }

  /** Sends `request` to the peer (`body`: the bytes the gate already read). */
  async forward(
    request: Request,
    info: ConnectionInfo,
    target: PeerTarget,
    body?: Uint8Array,
  ): Promise<Response> {
    const headers = this.#headers(request, info);
    const path = `${
      this.#url.pathname.replace(/\/$/, "")
    }/${target.remoteService}/${target.webname}${target.rest}`;
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
      return await relayWebSocket(request, {
        socketPath: this.#peer.url,
        path,
        headers,
        connect: () => this.#connect(),
        host: this.#url.host,
      });
    }
    const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
    const res = await this.#client.send({
      method: request.method,
      target: path,
      headers,
      body: body ?? (hasBody ? request.body : null),
    });
    return new Response(request.method === "HEAD" ? null : res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: headersFromPairs(res.headers),
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.#client.close();
  }

  /** Request headers for the peer: the pinned token instead of the caller's credential. */
  #headers(request: Request, info: ConnectionInfo): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of forwardRequestHeaders(request, info, `/${this.#peer.name}`)) {
      if (k === "authorization" || k === "host") continue;
      if (k === "cookie") {
        const kept = v.split(";").map((c) => c.trim()).filter((c) =>
          c !== "" && !ROUTER_COOKIES.some((name) => c.startsWith(`${name}=`))
        );
        if (kept.length) out.push([k, kept.join("; ")]);
        continue;
      }
      out.push([k, v]);
    }
    out.push(["host", this.#url.host], ["authorization", `Bearer ${this.#peer.token}`]);
    return withTraceparent(out);
  }

  async #connect(): Promise<Deno.Conn> {
    const hostname = this.#url.hostname.replace(/^\[(.*)\]$/, "$1");
    const tls = this.#url.protocol === "https:";
    const port = Number(this.#url.port) || (tls ? 443 : 80);
    const pending = tls
      ? Deno.connectTls({ hostname, port })
      : Deno.connect({ hostname, port, transport: "tcp" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        pending.then((c) => c.close(), () => {});
        reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`));
      }, CONNECT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A 502 naming the peer and why it did not answer. */
export function peerBadGateway(peer: string, err: unknown): Response {
  return Response.json(
    { error: `Bad gateway: peer router "${peer}" is not answering (${connectionError(err)})` },
    { status: 502 },
  );
}
