/**
 * The live WebSocket (`/ws` on admin.sock, `/hero_collab/admin/ws` through hero_router): one
 * socket per browser tab carries JSON-RPC both ways. The client calls any API method on it (as
 * the signed-in user), plus `live.subscribe {cursor}` to start the event stream and
 * `live.presence {status}`; the server sends `collab.event` (with `seq`), `collab.ephemeral`
 * (typing, presence) and `collab.resync` notifications.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RpcApi } from "@hero/sdk";
import { DEFAULT_DISPATCH_LIMITS, dispatchJsonRpc } from "@hero/sdk/internal";
import { WebSocket, WebSocketServer } from "ws";
import type { Caller } from "../identity/caller.ts";
import type { LiveConnection, LiveHub } from "./live_hub.ts";

/** Options of {@link LiveEndpoint}. */
export interface LiveEndpointOptions {
  hub: LiveHub;
  api: RpcApi;
  /** Who opens the socket: hero_router's assertion, or the owner (undefined: refused, 401). */
  authenticate(request: Request): Promise<Caller | undefined>;
  /** Largest client message (default 1 MiB). */
  maxPayload?: number;
}

/** Accepts WebSocket upgrades and runs their JSON-RPC. */
export class LiveEndpoint {
  readonly #opts: LiveEndpointOptions;
  readonly #wss: WebSocketServer;

  /** Nothing listens until upgrades are handed to {@link upgrade}. */
  constructor(opts: LiveEndpointOptions) {
    this.#opts = opts;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024 });
  }

  /** The Node upgrade hook for admin.sock: `/ws` becomes a live connection, the rest 404. */
  readonly upgrade = (req: unknown, socket: unknown, head: unknown): void => {
    this.#upgrade(req as IncomingMessage, socket as Duplex, head as Buffer).catch(() =>
      (socket as Duplex).destroy()
    );
  };

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/ws") return reject(socket, 404, "Not found");
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string") headers.set(k, v);
    }
    const origin = headers.get("origin");
    const host = headers.get("x-forwarded-host") ?? headers.get("host");
    // Cross-site pages must not open a socket with the user's cookie.
    if (origin && (origin === "null" || new URL(origin).host !== host)) {
      return reject(socket, 403, "Cross-origin WebSocket refused");
    }
    const request = new Request(`http://${host ?? "localhost"}${url.pathname}${url.search}`, {
      headers,
    });
    const caller = await this.#opts.authenticate(request);
    if (!caller) return reject(socket, 401, "Sign in first");
    try {
      this.#opts.hub.actorOf(caller);
    } catch (err) {
      return reject(socket, 403, (err as Error).message);
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#serve(ws, caller));
  }

  #serve(ws: WebSocket, caller: Caller): void {
    const hub = this.#opts.hub;
    const conn = hub.open(caller, {
      send: (text) => ws.send(text),
      buffered: () => ws.bufferedAmount,
      close: (code, reason) => ws.close(code, reason),
    });
    const cancel = new AbortController();
    ws.on("close", () => {
      cancel.abort();
      hub.close(conn);
    });
    ws.on("message", (raw, isBinary) => {
      if (isBinary) return ws.close(1003, "JSON-RPC text messages only");
      const text = raw.toString();
      this.#handle(conn, text, cancel.signal).then(
        (reply) => reply && ws.readyState === WebSocket.OPEN && ws.send(reply),
      );
    });
  }

  async #handle(conn: LiveConnection, text: string, signal: AbortSignal): Promise<string | null> {
    let msg: { id?: unknown; method?: unknown; params?: Record<string, unknown> } | undefined;
    try {
      msg = JSON.parse(text);
    } catch { /* the dispatcher answers the parse error */ }
    const hub = this.#opts.hub;
    if (msg && !Array.isArray(msg) && msg.method === "live.subscribe") {
      // Without a cursor the stream starts now (the client loads the current state itself).
      const cursor = Number(msg.params?.cursor ?? this.#opts.hub.head());
      if (!Number.isInteger(cursor) || cursor < 0) {
        return reply(msg.id, undefined, {
          code: -32602,
          message: "cursor must be an integer >= 0",
        });
      }
      // The missed events are sent first, then this reply with the cursor the stream is at.
      return reply(msg.id, hub.subscribe(conn, cursor));
    }
    if (msg && !Array.isArray(msg) && msg.method === "live.presence") {
      const status = msg.params?.status;
      if (status !== "active" && status !== "away") {
        return reply(msg.id, undefined, {
          code: -32602,
          message: 'status must be "active" or "away"',
        });
      }
      hub.setStatus(conn, status);
      return reply(msg.id, true);
    }
    return await dispatchJsonRpc(this.#opts.api, text, { signal }, DEFAULT_DISPATCH_LIMITS, {
      caller: conn.caller,
    });
  }

  /** Closes every live socket. */
  close(): void {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

function reply(id: unknown, result: unknown, error?: { code: number; message: string }): string {
  return JSON.stringify(
    error ? { jsonrpc: "2.0", id: id ?? null, error } : { jsonrpc: "2.0", id: id ?? null, result },
  );
}

function reject(socket: Duplex, status: number, message: string): void {
  const reason = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" }[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${
      Buffer.byteLength(message) + 1
    }\r\n\r\n${message}\n`,
  );
}
