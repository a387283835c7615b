/**
 * The gateway's only view of the outside world: which services exist (with their OpenRPC
 * documents), when that changes, and how to call one of their methods. The router's discovery
 * implements it in production; tests use {@link InMemoryToolSource}.
 */
import type { Caller } from "@hero/sdk";

/** A service as discovery knows it: its name, OpenRPC document and rpc socket. */
export interface ServiceDoc {
  /** Service name (`[a-z0-9_]+`). */
  name: string;
  /** The service's OpenRPC document, as served by `rpc.discover`. */
  document: unknown;
  /** Path of the service's `rpc.sock` (or an `http://` base URL for manual sources). */
  rpcSocketPath: string;
}

/** A change in the set of services. */
export interface ToolSourceEvent {
  type: "added" | "changed" | "removed";
  name: string;
}

/** The JSON-RPC error of a failed call (code, message, optional data). */
export interface CallError {
  code: number;
  message: string;
  data?: unknown;
}

/** The outcome of one method call: a result, or the JSON-RPC error the service answered. */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: CallError };

/** Receives the notifications a service sends about a running call (`rpc.progress`, `rpc.log`). */
export type CallNotificationListener = (method: string, params: Record<string, unknown>) => void;

/** Options of one call through a {@link ToolSource}. */
export interface SourceCallOptions {
  /** Cancels the call; the service's handler sees its `ctx.signal` abort. */
  signal?: AbortSignal;
  /** Asks the service for a streamed reply and receives its notifications. */
  onNotification?: CallNotificationListener;
  /** On whose behalf the call is made (the service is told through the signed assertion). */
  caller?: Caller;
}

/** Where the gateway gets its services from and how it calls them. */
export interface ToolSource {
  /** Every service currently known, with its OpenRPC document. */
  list(): ServiceDoc[];
  /** Calls `fn` on every change; returns a function that unsubscribes. */
  subscribe(fn: (event: ToolSourceEvent) => void): () => void;
  /**
   * Calls `method` on `service` with by-name or by-position params. Service errors resolve as
   * `{ ok: false }`; only a broken gateway rejects.
   */
  call(
    service: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    opts?: SourceCallOptions,
  ): Promise<CallOutcome>;
}
