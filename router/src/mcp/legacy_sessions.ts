/**
 * The 2025-11-25 era: sessionful Streamable HTTP. An `initialize` POST opens a session (one SDK
 * server and transport, `Mcp-Session-Id` issued); later requests must carry that id (unknown
 * ids get 404), GET opens the session's notification stream, DELETE ends it. Tool-list changes
 * reach every session of the affected endpoint as `notifications/tools/list_changed`. A session
 * belongs to the caller who opened it: another caller presenting its id is told it does not
 * exist, so a session id is never a credential of its own.
 */
import {
  isInitializeRequest,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { Caller } from "@hero/sdk";
import { jsonRpcError } from "./json_rpc_error.ts";

/** Options of the session table. */
export interface LegacySessionsOptions {
  /** Builds the server of a new session on endpoint `scope` ("" = all services) for `caller`. */
  createServer: (scope: string, caller: McpCaller) => Server;
  /** Most sessions kept; the least recently used one is closed to make room (default 1,000). */
  maxSessions?: number;
  /** Sessions without a request for this long are closed when a new one opens (default 1 h). */
  idleMs?: number;
}

/** Who is calling the gateway: a stable subject and what they may use. */
export interface McpCaller {
  /** The same subject on every request of one caller (the gate's identity subject). */
  subject: string;
  /** Whether the caller may call a tool (filters `tools/list`, guards `tools/call`). */
  mayCall: (tool: { service: string; readOnly: boolean }) => boolean;
  /** Who the services are told is calling (the gate's identity). */
  identity?: Caller;
}

interface Session {
  scope: string;
  subject: string;
  /** The caller as of the latest request: its server reads access from here at call time. */
  caller: McpCaller;
  lastSeen: number;
  server: Server;
  transport: WebStandardStreamableHTTPServerTransport;
}

/** Sessions of the 2025-11-25 era, across all endpoints. */
export class LegacySessions {
  readonly #opts: LegacySessionsOptions;
  readonly #maxSessions: number;
  readonly #idleMs: number;
  /** Insertion order doubles as recency order: a used session is moved to the end. */
  readonly #sessions = new Map<string, Session>();

  /** Creates an empty table. */
  constructor(opts: LegacySessionsOptions) {
    this.#opts = opts;
    this.#maxSessions = opts.maxSessions ?? 1000;
    this.#idleMs = opts.idleMs ?? 3_600_000;
  }

  /** Number of open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Serves one 2025-era request of `caller` on endpoint `scope`; `body` is the parsed POST body. */
  handle(request: Request, scope: string, body: unknown, caller: McpCaller): Promise<Response> {
    const id = request.headers.get("mcp-session-id");
    if (id === null) {
      if (request.method === "POST" && isInitializeRequest(body)) {
        return this.#open(request, scope, body, caller);
      }
      if (request.method === "GET" || request.method === "DELETE" || request.method === "POST") {
        return Promise.resolve(
          jsonRpcError(400, -32000, "Bad Request: Mcp-Session-Id header is required"),
        );
      }
      return Promise.resolve(
        jsonRpcError(405, -32000, "Method not allowed", { allow: "GET, POST, DELETE" }),
      );
    }
    const session = this.#sessions.get(id);
    if (!session || session.scope !== scope || session.subject !== caller.subject) {
      return Promise.resolve(jsonRpcError(404, -32001, "Session not found"));
    }
    session.lastSeen = Date.now();
    // Access is what the gate decided for this request (roles may have changed meanwhile).
    Object.assign(session.caller, caller);
    this.#sessions.delete(id);
    this.#sessions.set(id, session);
    return session.transport.handleRequest(request, { parsedBody: body });
  }

  /** Sends `notifications/tools/list_changed` to every session whose scope matches. */
  toolsChanged(matches: (scope: string) => boolean): void {
    for (const session of this.#sessions.values()) {
      // A session without an open GET stream simply misses it; clients re-list on reconnect.
      if (matches(session.scope)) session.server.sendToolListChanged().catch(() => {});
    }
  }

  /** Closes every session. */
  async close(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((s) => s.server.close().catch(() => {})));
  }

  async #open(
    request: Request,
    scope: string,
    body: unknown,
    caller: McpCaller,
  ): Promise<Response> {
    // Sessions are kept in recency order, so the idle and the oldest ones come first.
    const idleSince = Date.now() - this.#idleMs;
    for (const [id, session] of this.#sessions) {
      if (session.lastSeen >= idleSince && this.#sessions.size < this.#maxSessions) break;
      this.#sessions.delete(id);
      await session.server.close().catch(() => {});
    }
    const live: McpCaller = { ...caller };
    const server = this.#opts.createServer(scope, live);
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => {
          this.#sessions.set(id, {
            scope,
            subject: caller.subject,
            caller: live,
            server,
            transport,
            lastSeen: Date.now(),
          });
        },
        onsessionclosed: (id) => {
          this.#sessions.delete(id);
        },
      });
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }
}
