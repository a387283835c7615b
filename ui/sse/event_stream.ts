/**
 * The one Server-Sent Events writer of every Hero stream (the router's service events and log,
 * hero_proc's live tail and log follow): a `text/event-stream` Response fed by a producer that
 * sends events until the client goes away or the signal aborts, with `retry:` first, a
 * keep-alive comment on idle streams, and the producer's cleanup run exactly once.
 */

/** One event: `event:`, `id:` and `data:` (JSON-encoded unless it is a string already). */
export interface SseMessage {
  event?: string;
  id?: string | number;
  data: unknown;
}

/** What a producer writes to. */
export interface SseSink {
  /** Sends one event (dropped silently once the stream has ended). */
  send(message: SseMessage): void;
  /** Bytes the client has not read yet, negated (as `ReadableStreamDefaultController`). */
  readonly desiredSize: number;
  /** Ends the stream from the producer's side. */
  close(): void;
}

/** Options of {@link eventStream}. */
export interface EventStreamOptions {
  /** Ends the stream (the request's signal, a server shutting down). */
  signal?: AbortSignal;
  /** Idle time before a keep-alive comment (default 15 s). */
  keepaliveMs?: number;
  /** Reconnect delay announced to EventSource (default 2 s). */
  retryMs?: number;
}

const encoder = new TextEncoder();

/** Encodes one event. */
export function encodeSse(m: SseMessage): Uint8Array {
  let text = "";
  if (m.event) text += `event: ${m.event}\n`;
  if (m.id !== undefined) text += `id: ${m.id}\n`;
  const data = typeof m.data === "string" ? m.data : JSON.stringify(m.data);
  for (const line of data.split("\n")) text += `data: ${line}\n`;
  return encoder.encode(text + "\n");
}

/**
 * Builds the stream. `produce` runs once the stream starts; it may send at once and subscribe
 * to more, and returns its cleanup (unsubscribe, stop timers).
 */
export function eventStream(
  produce: (sink: SseSink) => void | (() => void) | Promise<void | (() => void)>,
  opts: EventStreamOptions = {},
): Response {
  let ended = false;
  let cleanup: (() => void) | void = undefined;
  let keepalive: ReturnType<typeof setInterval> | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  let lastWrite = Date.now();
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(keepalive);
    opts.signal?.removeEventListener("abort", end);
    try {
      cleanup?.();
    } finally {
      try {
        controllerRef?.close();
      } catch { /* already closed or errored */ }
    }
  };
  const write = (bytes: Uint8Array) => {
    if (ended || !controllerRef) return;
    try {
      controllerRef.enqueue(bytes);
      lastWrite = Date.now();
    } catch {
      end();
    }
  };
  const sink: SseSink = {
    send: (m) => write(encodeSse(m)),
    get desiredSize() {
      return controllerRef?.desiredSize ?? 0;
    },
    close: end,
  };
  const keepaliveMs = opts.keepaliveMs ?? 15_000;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controllerRef = controller;
      write(encoder.encode(`retry: ${opts.retryMs ?? 2000}\n\n`));
      if (opts.signal?.aborted) return end();
      opts.signal?.addEventListener("abort", end, { once: true });
      try {
        const done = await produce(sink);
        if (ended) done?.();
        else cleanup = done;
      } catch (err) {
        sink.send({ event: "failure", data: { error: (err as Error).message } });
        return end();
      }
      keepalive = setInterval(() => {
        if (Date.now() - lastWrite >= keepaliveMs) write(encoder.encode(": keepalive\n\n"));
      }, Math.max(1000, keepaliveMs / 3));
    },
    cancel() {
      end();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
