/**
 * The contract between shared code and a runtime (Deno, Node, Bun). Everything that touches
 * sockets, files, signals or the environment goes through this interface, so the rest of the
 * SDK is plain web-standard TypeScript.
 */
import type { Caller } from "../caller/caller.ts";

/** A web-standard request handler: the core of every Hero server. */
export type FetchHandler = (request: Request, info: ConnectionInfo) => Promise<Response>;

/** What the runtime knows about the peer of a request. */
export interface ConnectionInfo {
  /** Remote IP address for TCP peers; undefined on Unix sockets. */
  remoteAddress?: string;
  /** `unix` or `tcp`. */
  transport: "unix" | "tcp";
  /** Who is calling, as HeroServer resolved it (see `caller/resolve_caller.ts`). */
  caller?: Caller;
}

/** Limits a listener enforces before the handler sees a request. */
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
 */
export type UpgradeHandler = (request: unknown, socket: unknown, head: unknown) => void;

/**
 * Serves a request with Node's own `(IncomingMessage, ServerResponse)` pair instead of the web
 * handler, for libraries built on `node:http` (oidc-provider). Node only.
 */
export type NodeRequestListener = (request: unknown, response: unknown) => void;

/** Optional listener behaviour beyond the request handler. */
export interface ServeHooks {
  /** Handles Upgrade requests (Node); without it they are refused. */
  onUpgrade?: UpgradeHandler;
  /** Node only: serves every request whose path `takeNodeRequest` accepts. */
  nodeListener?: NodeRequestListener;
  /** Which paths go to `nodeListener` (all when absent). */
  takeNodeRequest?: (pathname: string) => boolean;
}

/** A bound listener. */
export interface Listener {
  /** Stops accepting connections and waits for open requests to finish (up to a grace period). */
  close(): Promise<void>;
  /** Where the listener is bound: a socket path, or `host:port`. */
  readonly address: string;
  /** The TCP port (0 for Unix sockets). */
  readonly port: number;
}

/** A minimal HTTP/1.1 response, as used by the JSON-RPC client. */
export interface SimpleResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The whole body, as text. */
  body: string;
}

/** A request for the JSON-RPC client transport. */
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

/** A connection-pooling HTTP client bound to one Unix socket or one base URL. */
export interface HttpTransport {
  /** Sends one request and reads the whole response body as text. */
  send(request: SimpleRequest): Promise<SimpleResponse>;
  /** Releases pooled connections. */
  close(): void;
}

/** A response whose body is read as it arrives (Server-Sent Events, long downloads). */
export interface StreamingResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** The body; cancel it to close the connection. */
  body: ReadableStream<Uint8Array>;
}

/** Where a transport connects: a Unix socket path or a `http://host:port` base URL. */
export type TransportTarget = { socketPath: string } | { baseUrl: string };

/** File information needed by socket management. */
export interface FileInfo {
  /** The path is a Unix socket. */
  isSocket: boolean;
  /** The path is a directory. */
  isDirectory: boolean;
  /** Permission bits (and file type) as `stat` gives them. */
  mode: number;
}

/** Everything runtime-specific the SDK needs. */
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
