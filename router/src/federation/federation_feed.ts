/**
 * `GET /api/federation`: what this router shares with routers that federate it, as
 * Server-Sent Events: `snapshot` (every service of this host with its OpenRPC document), then
 * `service.added` / `service.changed` (the entry, and the document when it changed) and
 * `service.removed`. Services this router itself has from peers are not passed on (no loops,
 * no second-hand copies). A keep-alive comment every second lets a peer tell a dead link from
 * a quiet one within a few seconds.
 */
import type { OpenRpcDocument } from "@hero/sdk";
import { eventStream } from "../../../ui/sse/event_stream.ts";
import type { ServiceEntry } from "../discovery/service_entry.ts";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";

/** One shared service. */
export interface SharedService {
  entry: ServiceEntry;
  openrpc?: OpenRpcDocument;
}

/** Seconds between keep-alive comments on an idle feed. */
export const FEED_KEEPALIVE_MS = 1000;

/** Opens the feed for one peer until it goes away or any of `signals` aborts. */
export function federationFeed(registry: ServiceRegistryView, signals: AbortSignal[]): Response {
  const ended = new AbortController();
  const end = () => ended.abort();
  for (const s of signals) {
    if (s.aborted) end();
    else s.addEventListener("abort", end, { once: true });
  }
  const cleanup = () => {
    for (const s of signals) s.removeEventListener("abort", end);
  };
  return eventStream((sink) => {
    const services: SharedService[] = registry.list()
      .filter((r) => r.entry.source !== "peer")
      .map((r) => ({ entry: r.entry, ...(r.openrpc ? { openrpc: r.openrpc } : {}) }));
    sink.send({ event: "snapshot", data: { services } });
    const unsubscribe = registry.subscribe((e) => {
      if (e.service.source === "peer") return;
      if (e.type === "service.removed") {
        sink.send({ event: e.type, data: { name: e.service.name } });
        return;
      }
      const openrpc = e.openrpcChanged ? registry.get(e.service.name)?.openrpc : undefined;
      sink.send({
        event: e.type,
        data: {
          entry: e.service,
          openrpcChanged: e.openrpcChanged,
          ...(openrpc ? { openrpc } : {}),
        },
      });
    });
    return () => {
      unsubscribe();
      cleanup();
    };
  }, { signal: ended.signal, keepaliveMs: FEED_KEEPALIVE_MS });
}
