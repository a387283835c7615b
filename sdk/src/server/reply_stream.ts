/**
 * The streamed reply of one JSON-RPC call: newline-delimited JSON-RPC messages, zero or more
 * notifications about the call (`rpc.progress`, `rpc.log`) and, last, its response. A caller
 * asks for it with `Accept: application/x-ndjson`; everyone else gets the plain JSON reply.
 */

/** The media type of a streamed reply. */
export const NDJSON = "application/x-ndjson";

const encoder = new TextEncoder();

/** True when the request asks for a streamed reply. */
export function wantsStream(request: Request): boolean {
  return request.headers.get("accept")?.includes(NDJSON) ?? false;
}

/** A reply stream: notifications as they come, then the response, then the end. */
export class ReplyStream {
  /** The body of the HTTP response. */
  readonly readable: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #open = true;

  /** Creates an open stream. */
  constructor() {
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        this.#open = false;
      },
    });
  }

  /** Sends one notification (dropped once the stream ended or the caller left). */
  notify = (method: string, params: Record<string, unknown>): void => {
    this.#write(JSON.stringify({ jsonrpc: "2.0", method, params }));
  };

  /** Sends the response (if any) and ends the stream. */
  end(reply: string | null): void {
    if (reply !== null) this.#write(reply);
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#controller.close();
    } catch { /* the caller went away */ }
  }

  #write(line: string): void {
    if (!this.#open) return;
    try {
      this.#controller.enqueue(encoder.encode(line + "\n"));
    } catch {
      this.#open = false;
    }
  }
}
