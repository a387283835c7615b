/**
 * The discovery cache (`RouterCache`): the current services with their OpenRPC documents, and
 * change events. Consumers (RPC API, SSE, MCP gateway) read it through `list`/`get` and follow
 * it through `subscribe`; only discovery writes to it.
 */
import type { OpenRpcDocument } from "@hero/sdk";
import type { ServiceEntry, ServiceRecord } from "./service_entry.ts";

/** The kinds of change events, as sent over SSE. */
export type ServiceEventType = "service.added" | "service.changed" | "service.removed";

/** A change of one service. */
export interface ServiceEvent {
  type: ServiceEventType;
  /** The service after the change (before it, for `service.removed`). */
  service: ServiceEntry;
  /** True when the OpenRPC document changed (tools must be rebuilt). */
  openrpcChanged: boolean;
}

/** Receives change events; exceptions thrown by listeners are caught and ignored. */
export type ServiceListener = (event: ServiceEvent) => void;

/** Read-only view of the registry, for consumers such as the MCP gateway. */
export interface ServiceRegistryView {
  /** Every service, sorted by name. */
  list(): ServiceRecord[];
  /** One service, or undefined. */
  get(name: string): ServiceRecord | undefined;
  /** Calls `listener` on every change; returns the function that unsubscribes. */
  subscribe(listener: ServiceListener): () => void;
}

/** The in-memory cache of discovered services. */
export class ServiceRegistry implements ServiceRegistryView {
  readonly #records = new Map<string, { record: ServiceRecord; key: string; docKey: string }>();
  readonly #listeners = new Set<ServiceListener>();

  /** Every service, sorted by name. */
  list(): ServiceRecord[] {
    return [...this.#records.keys()].sort().map((k) => this.#records.get(k)!.record);
  }

  /** One service, or undefined. */
  get(name: string): ServiceRecord | undefined {
    return this.#records.get(name)?.record;
  }

  /** Number of services. */
  get size(): number {
    return this.#records.size;
  }

  /** Calls `listener` on every change; returns the function that unsubscribes. */
  subscribe(listener: ServiceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stores a service; emits `service.added` or, if anything visible changed, `service.changed`. */
  upsert(entry: ServiceEntry, openrpc?: OpenRpcDocument): void {
    const { probedAt: _ignored, ...visible } = entry;
    const key = JSON.stringify(visible);
    const docKey = openrpc ? JSON.stringify(openrpc) : "";
    const before = this.#records.get(entry.name);
    this.#records.set(entry.name, { record: { entry, openrpc }, key, docKey });
    if (!before) {
      this.#emit({ type: "service.added", service: entry, openrpcChanged: openrpc !== undefined });
    } else if (before.key !== key || before.docKey !== docKey) {
      const openrpcChanged = before.docKey !== docKey;
      this.#emit({ type: "service.changed", service: entry, openrpcChanged });
    }
  }

  /** Removes a service; emits `service.removed` if it was there. */
  remove(name: string): void {
    const before = this.#records.get(name);
    if (!before) return;
    this.#records.delete(name);
    this.#emit({
      type: "service.removed",
      service: before.record.entry,
      openrpcChanged: before.docKey !== "",
    });
  }

  #emit(event: ServiceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break discovery or the other listeners.
      }
    }
  }
}
