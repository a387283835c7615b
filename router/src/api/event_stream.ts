/**
 * `GET /api/events`: Server-Sent Events for browsers. A `snapshot` event with every service on
 * connect, then `service.added`, `service.changed` and `service.removed` as discovery sees
 * them (keep-alive comments while idle come from the shared SSE writer).
 */
import { eventStream } from "../../../ui/sse/event_stream.ts";
import type { ServiceRegistryView } from "../discovery/service_registry.ts";

/** Opens an event stream following `registry` until the client goes away. */
export function serviceEventStream(registry: ServiceRegistryView, signal?: AbortSignal): Response {
  return eventStream((sink) => {
    sink.send({ event: "snapshot", data: { services: registry.list().map((r) => r.entry) } });
    return registry.subscribe((e) => {
      sink.send({
        event: e.type,
        data: { service: e.service, openrpcChanged: e.openrpcChanged },
      });
    });
  }, { signal });
}
