/**
 * An in-memory {@link ToolSource}: services are put and removed by hand and called over their
 * real `rpc.sock`. Used by tests and benchmarks, and by anything that wants to drive the
 * gateway without the router's discovery.
 */
import { RpcSocketCaller } from "./rpc_socket_caller.ts";
import type {
  CallOutcome,
  ServiceDoc,
  SourceCallOptions,
  ToolSource,
  ToolSourceEvent,
} from "./tool_source.ts";

/** A hand-fed service list that calls methods over Unix sockets. */
export class InMemoryToolSource implements ToolSource {
  readonly #services = new Map<string, ServiceDoc>();
  readonly #listeners = new Set<(event: ToolSourceEvent) => void>();
  readonly #caller: RpcSocketCaller;

  /** Creates an empty source; `timeoutMs` bounds each call (default 30 s). */
  constructor(opts: { timeoutMs?: number } = {}) {
    this.#caller = new RpcSocketCaller(opts);
  }

  /** Adds or replaces a service and tells subscribers. */
  put(service: ServiceDoc): void {
    const type = this.#services.has(service.name) ? "changed" : "added";
    this.#services.set(service.name, service);
    this.#emit({ type, name: service.name });
  }

  /** Removes a service (if present) and tells subscribers. */
  remove(name: string): void {
    const service = this.#services.get(name);
    if (!service) return;
    this.#services.delete(name);
    this.#caller.forget(name);
    this.#emit({ type: "removed", name });
  }

  /** Every service, in insertion order. */
  list(): ServiceDoc[] {
    return [...this.#services.values()];
  }

  /** Registers a change listener. */
  subscribe(fn: (event: ToolSourceEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Calls a method of a known service over its socket. */
  call(
    service: string,
    method: string,
    params: Record<string, unknown> | unknown[],
    opts: SourceCallOptions = {},
  ): Promise<CallOutcome> {
    const doc = this.#services.get(service);
    if (!doc) {
      return Promise.resolve({
        ok: false,
        error: { code: -32601, message: `Service "${service}" is not available` },
      });
    }
    return this.#caller.call(service, doc.rpcSocketPath, method, params, opts);
  }

  /** Closes pooled connections. */
  close(): void {
    this.#caller.close();
  }

  #emit(event: ToolSourceEvent): void {
    for (const fn of this.#listeners) fn(event);
  }
}
