/**
 * Calls service methods over their `rpc.sock` with the SDK's {@link RpcClient}: the one client
 * pool of the MCP tool sources, one pooled client per service, replaced when the service's
 * target moves. Every failure — a JSON-RPC error reply, a timeout, an unreachable socket —
 * comes back as a {@link CallOutcome} error through the SDK's single wire mapping.
 */
import { RpcClient } from "@hero/sdk";
import { toWireError } from "@hero/sdk/internal";
import type { CallOutcome, SourceCallOptions } from "./tool_source.ts";

/** Options of a {@link RpcSocketCaller}. */
export interface RpcSocketCallerOptions {
  /** Time limit of one call, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Extra headers for calls to a target (a peer router's token for its services). */
  headers?: (target: string) => Record<string, string> | undefined;
}

/** A pool of JSON-RPC clients keyed by service name, each bound to the target it was made for. */
export class RpcSocketCaller {
  readonly #clients = new Map<string, { target: string; client: RpcClient }>();
  readonly #timeoutMs: number;
  readonly #headers?: (target: string) => Record<string, string> | undefined;

  /** Creates an empty pool. */
  constructor(opts: RpcSocketCallerOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#headers = opts.headers;
  }

  /**
   * Calls `method` of `service` at `target` (socket path or `http://` URL); a pooled client
   * made for another target is closed first. Never rejects.
   */
  async call(
    service: string,
    target: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    opts: SourceCallOptions & { headers?: Record<string, string> } = {},
  ): Promise<CallOutcome> {
    let pooled = this.#clients.get(service);
    if (pooled?.target !== target) {
      this.forget(service);
      const client = new RpcClient(target, {
        timeoutMs: this.#timeoutMs,
        headers: this.#headers?.(target),
      });
      this.#clients.set(service, pooled = { target, client });
    }
    try {
      return { ok: true, result: await pooled.client.call(method, params, opts) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  /** Drops the pooled client of a service (it went away, or its connections are stale). */
  forget(service: string): void {
    this.#clients.get(service)?.client.close();
    this.#clients.delete(service);
  }

  /** Closes every pooled client. */
  close(): void {
    for (const { client } of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}
