/**
 * Reads a streamed JSON-RPC reply (see the server's `reply_stream.ts`): every line is one
 * message; notifications go to a callback as they arrive, and the line that is not a
 * notification is the response.
 */
import { HeroError } from "../errors/hero_error.ts";

/**
 * Receives the notifications of a streamed call.
 *
 * @example
 * ```ts
 * import type { NotificationListener } from "@hero/sdk";
 * const onNotification: NotificationListener = (method, params) => {
 *   if (method === "rpc.progress") console.log(`${params.progress}/${params.total}`);
 * };
 * ```
 */
export type NotificationListener = (method: string, params: Record<string, unknown>) => void;

/** Reads `body` to its end; resolves the response message (or undefined if none came). */
export async function readReplyStream(
  body: ReadableStream<Uint8Array>,
  onNotification: NotificationListener,
  label: string,
): Promise<unknown> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let response: unknown;
  const take = (line: string) => {
    if (line.trim() === "") return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch (err) {
      throw new HeroError("BAD_RESPONSE", `Bad response from ${label}: a line is not JSON`, {
        cause: err,
      });
    }
    if (isNotification(msg)) {
      try {
        onNotification(msg.method, msg.params ?? {});
      } catch { /* a listener's failure is its own */ }
    } else response = msg;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        take(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    take(buffer + decoder.decode());
  } finally {
    reader.releaseLock();
  }
  return response;
}

function isNotification(
  msg: unknown,
): msg is { method: string; params?: Record<string, unknown> } {
  return typeof msg === "object" && msg !== null && !Array.isArray(msg) &&
    typeof (msg as { method?: unknown }).method === "string" && !("id" in msg);
}
