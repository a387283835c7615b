/**
 * A small Server-Sent Events response driven by a polling function: `next()` is called every
 * `intervalMs` and whatever events it returns are sent; a comment keeps idle streams open. The
 * stream ends when the client goes away.
 */

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
  const enc = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (events: SseEvent[]) => {
        for (const e of events) {
          controller.enqueue(enc.encode(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
        }
      };
      const stop = () => {
        closed = true;
        clearTimeout(timer);
        try {
          controller.close();
        } catch { /* already closed */ }
      };
      signal.addEventListener("abort", stop, { once: true });
      let idle = 0;
      const tick = async () => {
        if (closed) return;
        try {
          const events = await next();
          if (closed) return;
          send(events);
          idle = events.length ? 0 : idle + intervalMs;
          if (idle >= 15_000) (controller.enqueue(enc.encode(": keepalive\n\n")), idle = 0);
          timer = setTimeout(tick, intervalMs);
        } catch (err) {
          send([{ event: "failure", data: { error: (err as Error).message } }]);
          stop();
        }
      };
      controller.enqueue(enc.encode("retry: 2000\n\n"));
      send(await first());
      timer = setTimeout(tick, intervalMs);
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
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
