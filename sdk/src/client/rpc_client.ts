/**
 * The JSON-RPC client: `call`, `notify` and `batch` over a Unix socket or a TCP URL, with
 * per-call timeouts and cancellation through `AbortSignal`. Error replies become
 * {@link RpcError}s carrying the server's code and data; transport failures are local
 * {@link HeroError}s (`TIMEOUT`, `CANCELLED`, `CONNECTION_FAILED`, `BAD_RESPONSE`).
 */
import { HeroError } from "../errors/hero_error.ts";
import { type NotificationListener, readReplyStream } from "./reply_reader.ts";
import type { RpcError } from "../errors/rpc_error.ts";
import { fromWireError } from "../errors/wire_mapping.ts";
import { Deadline } from "../rpc/deadline.ts";
import type { RpcResponse } from "../rpc/messages.ts";
import { currentRuntime } from "../runtime/current.ts";
import type { HttpTransport, Runtime, TransportTarget } from "../runtime/types.ts";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.ts";
import { withTraceHeaders } from "../trace/rpc_trace.ts";

/**
 * Options of a client.
 *
 * @example
 * ```ts
 * import { RpcClient, type RpcClientOptions } from "@hero/sdk";
 * const options: RpcClientOptions = { timeoutMs: 5_000 };
 * const client = new RpcClient("/run/hero/notes/rpc.sock", options);
 * ```
 */
export interface RpcClientOptions {
  /** Default time limit of a call, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Runtime adapter; detected automatically. */
  runtime?: Runtime;
}

/**
 * Options of a single call.
 *
 * @example
 * ```ts
 * import { type CallOptions, RpcClient } from "@hero/sdk";
 * const options: CallOptions = {
 *   timeoutMs: 60_000,
 *   onNotification: (method, params) => console.log(method, params),
 * };
 * await RpcClient.forService("files").call("files.scan", {}, options);
 * ```
 */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Time limit of this call, in milliseconds. */
  timeoutMs?: number;
  /**
   * Receives the call's notifications (`rpc.progress`, `rpc.log`) as they arrive; the call is
   * then sent with `Accept: application/x-ndjson` on a connection of its own.
   */
  onNotification?: NotificationListener;
  /** Headers of this call only (added to the client's own). */
  headers?: Record<string, string>;
}

/**
 * One entry of a batch.
 *
 * @example
 * ```ts
 * import { type BatchEntry, RpcClient } from "@hero/sdk";
 * const entries: BatchEntry[] = [
 *   { method: "notes.get", params: { id: 1 } },
 *   { method: "notes.touch", params: { id: 1 }, notify: true },
 * ];
 * await RpcClient.forService("notes").batch(entries);
 * ```
 */
export interface BatchEntry {
  /** The method to call. */
  method: string;
  /** Its params, by position (array) or by name (object). */
  params?: unknown[] | Record<string, unknown>;
  /** Send as a notification: no result comes back for it. */
  notify?: boolean;
}

/**
 * The outcome of one batch entry (notifications yield `undefined`).
 *
 * @example
 * ```ts
 * import { type BatchOutcome, RpcClient } from "@hero/sdk";
 * const outcomes: BatchOutcome[] = await RpcClient.forService("notes").batch([
 *   { method: "notes.get", params: { id: 1 } },
 *   { method: "notes.get", params: { id: 2 } },
 * ]);
 * ```
 */
export type BatchOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: RpcError }
  | undefined;

/**
 * A JSON-RPC client bound to one endpoint.
 *
 * @example
 * ```ts
 * import { RpcClient } from "@hero/sdk";
 * const notes = RpcClient.forService("notes");
 * const note = await notes.call<{ title: string }>("notes.get", { id: 1 });
 * notes.close();
 * ```
 */
export class RpcClient {
  readonly #transport: HttpTransport;
  readonly #runtime: Runtime;
  readonly #target: TransportTarget;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #label: string;
  #nextId = 1;

  /** `target` is a socket path (`/…/rpc.sock`, `unix:/…`) or a URL (`http://host:port`). */
  constructor(target: string, opts: RpcClientOptions = {}) {
    const runtime = opts.runtime ?? currentRuntime();
    const isUrl = /^https?:\/\//.test(target);
    const socketPath = target.replace(/^unix:/, "");
    this.#runtime = runtime;
    this.#target = isUrl ? { baseUrl: target } : { socketPath };
    this.#transport = runtime.transport(this.#target);
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#headers = { "content-type": "application/json", ...opts.headers };
    this.#label = isUrl ? target : socketPath;
  }

  /** A client for the `rpc.sock` of a service under the socket root. */
  static forService(
    service: string,
    opts: RpcClientOptions & { socketRoot?: string } = {},
  ): RpcClient {
    const runtime = opts.runtime ?? currentRuntime();
    const root = opts.socketRoot ??
      resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() });
    return new RpcClient(serviceSocketPaths(root, service).rpc, opts);
  }

  /** Calls `method` and resolves its result, or rejects with an RpcError or HeroError. */
  async call<R = unknown>(
    method: string,
    params?: unknown[] | Record<string, unknown>,
    opts: CallOptions = {},
  ): Promise<R> {
    const id = this.#nextId++;
    const reply = await this.#post({ jsonrpc: "2.0", id, method, params }, opts);
    const res = reply as RpcResponse;
    // A server that cannot tell which request failed (parse error, timeout) answers with id null.
    if (res && typeof res === "object" && "error" in res && res.id === null) {
      throw fromWireError(res.error);
    }
    if (!res || typeof res !== "object" || res.id !== id) {
      throw new HeroError("BAD_RESPONSE", `Bad response from ${this.#label}: id does not match`);
    }
    if ("error" in res) throw fromWireError(res.error);
    return res.result as R;
  }

  /** Sends a notification; resolves once the server has accepted it. */
  async notify(
    method: string,
    params?: unknown[] | Record<string, unknown>,
    opts: CallOptions = {},
  ): Promise<void> {
    await this.#post({ jsonrpc: "2.0", method, params }, opts);
  }

  /** Sends several calls in one request; outcomes come back in the order of `entries`. */
  async batch(entries: BatchEntry[], opts: CallOptions = {}): Promise<BatchOutcome[]> {
    const ids = entries.map((e) => (e.notify ? undefined : this.#nextId++));
    const body = entries.map((e, i) =>
      ids[i] === undefined
        ? { jsonrpc: "2.0", method: e.method, params: e.params }
        : { jsonrpc: "2.0", id: ids[i], method: e.method, params: e.params }
    );
    const reply = await this.#post(body, opts);
    const byId = new Map<unknown, RpcResponse>();
    if (Array.isArray(reply)) { for (const r of reply as RpcResponse[]) byId.set(r.id, r); }
    else if (reply && typeof reply === "object" && "error" in reply) {
      throw fromWireError((reply as { error: RpcError }).error);
    }
    return ids.map((id) => {
      if (id === undefined) return undefined;
      const r = byId.get(id);
      if (!r) {
        throw new HeroError(
          "BAD_RESPONSE",
          `Bad response from ${this.#label}: no reply for id ${id}`,
        );
      }
      return "error" in r
        ? { ok: false, error: fromWireError(r.error) }
        : { ok: true, result: r.result };
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.#transport.close();
  }

  async #post(payload: unknown, opts: CallOptions): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    const deadline = new Deadline(timeoutMs, { parents: () => [opts.signal] });
    let res;
    try {
      const request = {
        method: "POST",
        path: "/rpc",
        body: JSON.stringify(payload),
        headers: withTraceHeaders(
          opts.headers ? { ...this.#headers, ...opts.headers } : this.#headers,
        ),
        signal: deadline.signal,
      };
      const listener = opts.onNotification;
      if (listener && this.#runtime.streamRequest) {
        request.headers = { ...request.headers, accept: "application/x-ndjson, application/json" };
        const streamed = await this.#runtime.streamRequest(this.#target, request);
        if (streamed.headers.get("content-type")?.includes("application/x-ndjson")) {
          const reply = await readReplyStream(streamed.body, listener, this.#label);
          if (reply === undefined) throw new Error("the connection closed before the reply");
          return reply;
        }
        res = { status: streamed.status, body: await new Response(streamed.body).text() };
      } else res = await this.#transport.send(request);
    } catch (err) {
      if (err instanceof HeroError && err.code === "BAD_RESPONSE") throw err;
      if (deadline.reason === "cancelled") {
        throw new HeroError("CANCELLED", `Call to ${this.#label} was cancelled`, { cause: err });
      }
      if (deadline.reason === "timeout") {
        throw new HeroError("TIMEOUT", `Call to ${this.#label} timed out after ${timeoutMs} ms`, {
          cause: err,
        });
      }
      const why = err instanceof Error ? err.message : String(err);
      throw new HeroError("CONNECTION_FAILED", `Cannot reach ${this.#label}: ${why}`, {
        cause: err,
      });
    } finally {
      deadline.clear();
    }
    if (res.status === 204) return undefined;
    try {
      return JSON.parse(res.body);
    } catch (err) {
      throw new HeroError(
        "BAD_RESPONSE",
        `Bad response from ${this.#label}: HTTP ${res.status}, not JSON`,
        { cause: err },
      );
    }
  }
}
