/**
 * Polled Server-Sent Events for the admin pages whose data has no change feed (service states,
 * the log tree): `first()` is sent at once and `next()` every `intervalMs`, through the one SSE
 * writer every Hero stream uses (`ui/sse/event_stream.ts`). The stream ends when the client
 * goes away or the admin closes.
 */
import { eventStream } from "../../../ui/sse/event_stream.ts";

/** One event to send. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** Builds the response; `first` is sent at once, `next` on every tick. */
export function sseResponse(
  signal: AbortSignal,
  first: () => SseEvent[] | Promise<SseEvent[]>,
  next: () => SseEvent[] | Promise<SseEvent[]>,
  intervalMs = 250,
): Response {
  return eventStream(async (sink) => {
    for (const e of await first()) sink.send(e);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      try {
        const events = await next();
        if (stopped) return;
        for (const e of events) sink.send(e);
        timer = setTimeout(tick, intervalMs);
      } catch (err) {
        sink.send({ event: "failure", data: { error: (err as Error).message } });
        sink.close();
      }
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, { signal });
}
