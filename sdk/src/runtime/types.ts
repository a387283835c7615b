/**
 * The contract between shared code and a runtime (Deno, Node, Bun). Everything that touches
 * sockets, files, signals or the environment goes through this interface, so the rest of the
 * SDK is plain web-standard TypeScript.
 */
import type { Caller } from "../caller/caller.ts";

/**
 * A web-standard request handler: the core of every Hero server.
 *
 * @example
 * ```ts
 * import type { FetchHandler } from "@hero/sdk";
 * const admin: FetchHandler = (_request, info) =>
 *   Promise.resolve(new Response(`Hello ${info.caller?.name ?? "nobody"}`));
 * ```
 */
export type FetchHandler = (request: Request, info: ConnectionInfo) => Promise<Response>;

/**
 * What the runtime knows about the peer of a request.
 *
 * @example
 * ```ts
 * import type { ConnectionInfo, FetchHandler } from "@hero/sdk";
 * const whoami: FetchHandler = (_request, info: ConnectionInfo) =>
 *   Promise.resolve(Response.json({ transport: info.transport, caller: info.caller?.subject }));
 * ```
 */
export interface ConnectionInfo {
  /** Remote IP address for TCP peers; undefined on Unix sockets. */
  remoteAddress?: string;
  /** `unix` or `tcp`. */
  transport: "unix" | "tcp";
  /** Who is calling, as HeroServer resolved it (see `server/resolve_caller.ts`). */
  caller?: Caller;
}

/**
 * Limits a listener enforces before the handler sees a request.
 *
 * @example
 * ```ts
 * import type { ListenLimits } from "@hero/sdk";
 * const limits: ListenLimits = { maxHeaderBytes: 16 * 1024, requestTimeoutMs: 30_000 };
 * ```
 */
export interface ListenLimits {
  /** Maximum size of all request headers, in bytes. */
  maxHeaderBytes: number;
  /** Time allowed to receive a full request (headers and body), in milliseconds. */
  requestTimeoutMs: number;
}

/**
 * Takes over an HTTP Upgrade request (a WebSocket) on a listener. Node only: it receives Node's
 * `IncomingMessage`, the `Duplex` socket and the first bytes (`Buffer`); Deno handlers upgrade
 * inside the fetch handler instead (`Deno.upgradeWebSocket`).
 *
 * @example
 * ```ts
 * import type { UpgradeHandler } from "@hero/sdk";
 * // Node only: hand WebSocket upgrades on admin.sock to a ws server.
 * const adminUpgrade: UpgradeHandler = (request, socket, head) => {
 *   console.log("upgrade", request, socket, head);
 * };
 * ```
 */
export type UpgradeHandler = (request: unknown, socket: unknown, head: unknown) => void;

/**
 * Serves a request with Node's own `(IncomingMessage, ServerResponse)` pair instead of the web
 * handler, for libraries built on `node:http` (oidc-provider). Node only.
 *
 * @example
 * ```ts
 * import type { NodeRequestListener } from "@hero/sdk";
 * // Node only: serve a web socket with a node:http library.
 * const listener: NodeRequestListener = (request, response) => {
 *   (response as { end(text: string): void }).end("ok");
 * };
 * ```
 */
export type NodeRequestListener = (request: unknown, response: unknown) => void;

/**
 * Optional listener behaviour beyond the request handler.
 *
 * @example
 * ```ts
 * import type { ServeHooks } from "@hero/sdk";
 * const hooks: ServeHooks = { takeNodeRequest: (pathname) => pathname.startsWith("/oidc/") };
 * ```
 */
export interface ServeHooks {
  /** Handles Upgrade requests (Node); without it they are refused. */
  onUpgrade?: UpgradeHandler;
  /** Node only: serves every request whose path `takeNodeRequest` accepts. */
  nodeListener?: NodeRequestListener;
  /** Which paths go to `nodeListener` (all when absent). */
  takeNodeRequest?: (pathname: string) => boolean;
}

/**
 * A bound listener.
 *
 * @example
 * ```ts
 * import type { Listener } from "@hero/sdk";
 * async function stop(listener: Listener): Promise<void> {
 *   console.log(`closing ${listener.address}`);
 *   await listener.close();
 * }
 * ```
 */
export interface Listener {
  /** Stops accepting connections and waits for open requests to finish (up to a grace period). */
  close(): Promise<void>;
  /** Where the listener is bound: a socket path, or `host:port`. */
  readonly address: string;
  /** The TCP port (0 for Unix sockets). */
  readonly port: number;
}

/**
 * A minimal HTTP/1.1 response, as used by the JSON-RPC client.
 *
 * @example
 * ```ts
 * import type { SimpleResponse } from "@hero/sdk";
 * function ok(res: SimpleResponse): boolean {
 *   return res.status === 200;
 * }
 * ```
 */
export interface SimpleResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The whole body, as text. */
  body: string;
}

/**
 * A request for the JSON-RPC client transport.
 *
 * @example
 * ```ts
 * import type { SimpleRequest } from "@hero/sdk";
 * const request: SimpleRequest = { method: "GET", path: "/health" };
 * ```
 */
export interface SimpleRequest {
  /** HTTP method. */
  method: string;
  /** Path and query, e.g. `/rpc`. */
  path: string;
  /** Request body, as text. */
  body?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * A connection-pooling HTTP client bound to one Unix socket or one base URL.
 *
 * @example
 * ```ts
 * import type { HttpTransport } from "@hero/sdk";
 * async function health(transport: HttpTransport): Promise<string> {
 *   const res = await transport.send({ method: "GET", path: "/health" });
 *   return res.body;
 * }
 * ```
 */
export interface HttpTransport {
  /** Sends one request and reads the whole response body as text. */
  send(request: SimpleRequest): Promise<SimpleResponse>;
  /** Releases pooled connections. */
  close(): void;
}

/**
 * A response whose body is read as it arrives (Server-Sent Events, long downloads).
 *
 * @example
 * ```ts
 * import type { StreamingResponse } from "@hero/sdk";
 * async function stopReading(res: StreamingResponse): Promise<void> {
 *   await res.body.cancel(); // closes the connection
 * }
 * ```
 */
export interface StreamingResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The body; cancel it to close the connection. */
  body: ReadableStream<Uint8Array>;
}

/**
 * Where a transport connects: a Unix socket path or a `http://host:port` base URL.
 *
 * @example
 * ```ts
 * import type { TransportTarget } from "@hero/sdk";
 * const target: TransportTarget = { socketPath: "/run/hero/notes/rpc.sock" };
 * ```
 */
export type TransportTarget = { socketPath: string } | { baseUrl: string };

/**
 * File information needed by socket management.
 *
 * @example
 * ```ts
 * import type { FileInfo } from "@hero/sdk";
 * const isStaleSocket = (info: FileInfo | undefined): boolean => info?.isSocket === true;
 * ```
 */
export interface FileInfo {
  /** The path is a Unix socket. */
  isSocket: boolean;
  /** The path is a directory. */
  isDirectory: boolean;
  /** Permission bits (and file type) as `stat` gives them. */
  mode: number;
}

/**
 * Everything runtime-specific the SDK needs.
 *
 * @example
 * ```ts
 * import type { Runtime } from "@hero/sdk";
 * // A runtime adapter is detected automatically; tests may pass one explicitly.
 * function socketRoot(runtime: Runtime): string {
 *   return runtime.env("PATH_SOCKET") ?? `${runtime.homeDir()}/hero/var/sockets`;
 * }
 * ```
 */
export interface Runtime {
  /** `deno`, `node` or `bun`. */
  readonly name: "deno" | "node" | "bun";
  /** The process id. */
  readonly pid: number;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** The user's home directory ("" if unknown). */
  homeDir(): string;
  /** Serves `handler` on a Unix socket at `path` (the file must not exist). */
  serveUnix(
    path: string,
    handler: FetchHandler,
    limits: ListenLimits,
    hooks?: ServeHooks,
  ): Promise<Listener>;
  /** Serves `handler` on TCP `hostname:port` (port 0 picks a free port). */
  serveTcp(
    hostname: string,
    port: number,
    handler: FetchHandler,
    limits: ListenLimits,
  ): Promise<Listener>;
  /** Creates a pooled HTTP client for a Unix socket or a base URL. */
  transport(target: TransportTarget): HttpTransport;
  /** Sends one request on its own connection and streams the response body (optional). */
  streamRequest?(target: TransportTarget, request: SimpleRequest): Promise<StreamingResponse>;
  /** Resolves true if something accepts connections on the Unix socket at `path`. */
  canConnect(path: string): Promise<boolean>;
  /** File information without following symlinks, or undefined if the path does not exist. */
  lstat(path: string): Promise<FileInfo | undefined>;
  /** Creates a directory (and parents) and sets its mode. */
  makeDir(path: string, mode: number): Promise<void>;
  /** Sets the mode of a file. */
  chmod(path: string, mode: number): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  removeFile(path: string): Promise<void>;
  /** Reads a text file, or undefined if it cannot be read. */
  readTextFile(path: string): Promise<string | undefined>;
  /** Lists the entry names of a directory ([] if it cannot be read). */
  readDir(path: string): Promise<string[]>;
  /** Reads a symlink target, or undefined. */
  readLink(path: string): Promise<string | undefined>;
  /** Calls `fn` on SIGINT or SIGTERM; returns a function that removes the handlers. */
  onShutdownSignal(fn: (signal: string) => void): () => void;
}
