/**
 * `GET /api/events`: Server-Sent Events for browsers. A `snapshot` event with every service on
 * connect, then `service.added`, `service.changed` and `service.removed` as discovery sees
 * them, and a comment every 15 s so idle connections stay open through proxies.
 */
import type { ServiceRegistryView } from "../discovery/service_registry.ts";

const KEEPALIVE_MS = 15_000;

/** Opens an event stream following `registry` until the client goes away. */
export function serviceEventStream(registry: ServiceRegistryView, signal?: AbortSignal): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const services = registry.list().map((r) => r.entry);
      send(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify({ services })}\n\n`);
      const unsubscribe = registry.subscribe((e) => {
        const data = JSON.stringify({ service: e.service, openrpcChanged: e.openrpcChanged });
        send(`event: ${e.type}\ndata: ${data}\n\n`);
      });
      const timer = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      cleanup = () => {
        unsubscribe();
        clearInterval(timer);
      };
      signal?.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch { /* already closed */ }
      }, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
