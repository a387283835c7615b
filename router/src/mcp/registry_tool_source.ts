/**
 * Adapts the router's discovery cache (`ServiceRegistryView` on the router branch) to a
 * {@link ToolSource}. Typed structurally so the gateway does not depend on discovery's module:
 * any object with `list()` of `{ entry: { name, rpcTarget }, openrpc }` records and a
 * `subscribe()` of `service.added|changed|removed` events fits.
 */
import type { Caller } from "@hero/sdk";
import { CALLER_HEADER } from "@hero/sdk/internal";
import { RpcSocketCaller } from "./rpc_socket_caller.ts";
import type {
  CallOutcome,
  ServiceDoc,
  SourceCallOptions,
  ToolSource,
  ToolSourceEvent,
} from "./tool_source.ts";

/** The part of a discovery record the gateway reads. */
export interface RegistryRecordLike {
  entry: { name: string; rpcTarget?: string };
  openrpc?: unknown;
}

/** The part of a discovery change event the gateway reads. */
export interface RegistryEventLike {
  type: string;
  service: { name: string };
  openrpcChanged?: boolean;
}

/** The part of the discovery cache the gateway reads. */
export interface RegistryLike {
  list(): RegistryRecordLike[];
  subscribe(listener: (event: RegistryEventLike) => void): () => void;
}

/** A tool source over the discovery cache; calls go to each service's `rpcTarget`. */
export class RegistryToolSource implements ToolSource {
  readonly #registry: RegistryLike;
  readonly #caller: RpcSocketCaller;

  readonly #reprobe?: (service: string) => unknown;
  readonly #assert?: (caller: Caller, service: string) => Promise<string>;

  /**
   * `timeoutMs` bounds each call (default 30 s); `reprobe` is asked to look at a service again
   * at once when a call could not reach it, so the tools of a dead service disappear now rather
   * than at the next periodic scan; `headers` adds headers to the calls of a target; `assert`
   * signs the caller assertion a call on someone's behalf carries.
   */
  constructor(
    registry: RegistryLike,
    opts: {
      timeoutMs?: number;
      reprobe?: (service: string) => unknown;
      headers?: (target: string) => Record<string, string> | undefined;
      assert?: (caller: Caller, service: string) => Promise<string>;
    } = {},
  ) {
    this.#registry = registry;
    this.#caller = new RpcSocketCaller(opts);
    this.#reprobe = opts.reprobe;
    this.#assert = opts.assert;
  }

  /** Services that have both an OpenRPC document and an RPC target. */
  list(): ServiceDoc[] {
    const out: ServiceDoc[] = [];
    for (const { entry, openrpc } of this.#registry.list()) {
      if (openrpc && entry.rpcTarget) {
        out.push({ name: entry.name, document: openrpc, rpcSocketPath: entry.rpcTarget });
      }
    }
    return out;
  }

  /** Forwards the events that can change tools (not health-only changes). */
  subscribe(fn: (event: ToolSourceEvent) => void): () => void {
    return this.#registry.subscribe((event) => {
      const name = event.service.name;
      if (event.type === "service.added") fn({ type: "added", name });
      else if (event.type === "service.removed") {
        this.#caller.forget(name);
        fn({ type: "removed", name });
      } else if (event.type === "service.changed" && event.openrpcChanged !== false) {
        fn({ type: "changed", name });
      }
    });
  }

  /** Calls a method at the service's current RPC target, as `opts.caller` when given. */
  async call(
    service: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    opts: SourceCallOptions = {},
  ): Promise<CallOutcome> {
    const record = this.#registry.list().find((r) => r.entry.name === service);
    if (!record?.entry.rpcTarget) {
      return {
        ok: false,
        error: { code: -32601, message: `Service "${service}" is not available` },
      };
    }
    const target = record.entry.rpcTarget;
    const headers = opts.caller && this.#assert
      ? { [CALLER_HEADER]: await this.#assert(opts.caller, service) }
      : undefined;
    const outcome = await this.#caller.call(service, target, method, params, { ...opts, headers });
    if (!outcome.ok && isUnreachable(outcome.error.data)) {
      // The service's pooled connections are stale too.
      this.#caller.forget(service);
      try {
        await this.#reprobe?.(service);
      } catch { /* the periodic scan remains the safety net */ }
    }
    return outcome;
  }

  /** Closes pooled connections. */
  close(): void {
    this.#caller.close();
  }
}

/** True for the SDK's wire form of a connection failure (nothing listens on the socket). */
function isUnreachable(data: unknown): boolean {
  return typeof data === "object" && data !== null &&
    (data as { code?: unknown }).code === "CONNECTION_FAILED";
}
