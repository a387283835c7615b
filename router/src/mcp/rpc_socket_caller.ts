/**
 * Calls service methods over their `rpc.sock` with the SDK's {@link RpcClient}, one pooled
 * client per socket. Every failure — a JSON-RPC error reply, a timeout, an unreachable socket —
 * comes back as a {@link CallOutcome} error through the SDK's single wire mapping.
 */
import { RpcClient, toWireError } from "@hero/sdk";
import type { CallOutcome, SourceCallOptions } from "./tool_source.ts";

/** Options of a {@link RpcSocketCaller}. */
export interface RpcSocketCallerOptions {
  /** Time limit of one call, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Extra headers for calls to a target (a peer router's token for its services). */
  headers?: (target: string) => Record<string, string> | undefined;
}

/** A pool of JSON-RPC clients keyed by socket path. */
export class RpcSocketCaller {
  readonly #clients = new Map<string, RpcClient>();
  readonly #timeoutMs: number;
  readonly #headers?: (target: string) => Record<string, string> | undefined;

  /** Creates an empty pool. */
  constructor(opts: RpcSocketCallerOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#headers = opts.headers;
  }

  /** Calls `method` at `target` (socket path or `http://` URL); never rejects. */
  async call(
    target: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    opts: SourceCallOptions & { headers?: Record<string, string> } = {},
  ): Promise<CallOutcome> {
    let client = this.#clients.get(target);
    if (!client) {
      client = new RpcClient(target, {
        timeoutMs: this.#timeoutMs,
        headers: this.#headers?.(target),
      });
      this.#clients.set(target, client);
    }
    try {
      return { ok: true, result: await client.call(method, params, opts) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  }

  /** Drops the pooled client of a target (after its service went away or moved). */
  forget(target: string): void {
    this.#clients.get(target)?.close();
    this.#clients.delete(target);
  }

  /** Closes every pooled client. */
  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}
