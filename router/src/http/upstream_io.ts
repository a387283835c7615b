/**
 * Low-level I/O of the proxy's Unix-socket client: pooled connections, the pull-based response
 * body stream (reading from the backend only when the browser asks for more), the request body
 * pump, and one shared sweeper that closes connections whose response head is overdue.
 */
import { ChunkedDecoder } from "./http1_parser.ts";

/** How long a backend may take to send a response head. */
export const HEAD_TIMEOUT_MS = 120_000;
/** Size of a connection's read buffer. */
export const READ_SIZE = 64 * 1024;
const encoder = new TextEncoder();

/** A pooled connection. */
export interface Connection {
  conn: Deno.Conn;
  leftover: Uint8Array;
  /** Read buffer, allocated once per connection. */
  readBuf: Uint8Array;
  /** Set by the pool: when it became idle, and whether it served a request before. */
  idleSince?: number;
  reused?: boolean;
}

/**
 * Connections waiting for a response head, with their deadlines. One sweeper for all of them
 * is much cheaper than a timer per request.
 */
export const waitingHeads = new Map<Deno.Conn, number>();
let sweeper: ReturnType<typeof setInterval> | undefined;

/** Closes `conn` if its response head has not arrived within the timeout. */
export function watchHead(conn: Deno.Conn): void {
  waitingHeads.set(conn, Date.now() + HEAD_TIMEOUT_MS);
  if (sweeper !== undefined) return;
  sweeper = setInterval(() => {
    const now = Date.now();
    for (const [c, deadline] of waitingHeads) {
      if (deadline < now) {
        waitingHeads.delete(c);
        safeClose(c);
      }
    }
    if (waitingHeads.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }, 1000);
  Deno.unrefTimer(sweeper);
}

/** The response body as a stream that reads from the backend on demand. */
export function bodyStream(
  { conn, readBuf }: Connection,
  initial: Uint8Array,
  framing: { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" },
  done: (rest: Uint8Array, reusable: boolean) => void,
): ReadableStream<Uint8Array> {
  let pending: Uint8Array | null = initial;
  let left = framing.kind === "length" ? framing.length : Infinity;
  const chunked = framing.kind === "chunked" ? new ChunkedDecoder() : undefined;
  let finished = false;
  const finish = (rest: Uint8Array, reusable: boolean) => {
    if (finished) return;
    finished = true;
    done(rest, reusable);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let data: Uint8Array;
        if (pending && pending.byteLength > 0) {
          data = pending;
          pending = null;
        } else {
          const n = await conn.read(readBuf).catch(() => null);
          if (n === null) {
            if (framing.kind === "close") {
              controller.close();
              finish(new Uint8Array(0), false);
            } else {
              controller.error(new Error("the service closed the connection mid-body"));
              finish(new Uint8Array(0), false);
            }
            return;
          }
          data = readBuf.slice(0, n);
        }
        if (chunked) {
          const parts = chunked.feed(data);
          for (const p of parts) controller.enqueue(p);
          if (chunked.done) {
            controller.close();
            finish(chunked.rest, true);
            return;
          }
          if (parts.length > 0) return;
          continue;
        }
        const take = Math.min(left, data.byteLength);
        if (take > 0) controller.enqueue(data.subarray(0, take));
        left -= take;
        if (left === 0) {
          controller.close();
          finish(data.subarray(take), true);
        }
        return;
      }
    },
    cancel() {
      finished = true;
      safeClose(conn);
    },
  }, { highWaterMark: 0 });
}

/** Writes the request body (chunked if its length is unknown); false if it failed. */
export async function pumpBody(
  conn: Deno.Conn,
  body: ReadableStream<Uint8Array>,
  chunked: boolean,
): Promise<boolean> {
  try {
    for await (const chunk of body) {
      if (chunk.byteLength === 0) continue;
      if (chunked) {
        await writeAll(conn, encoder.encode(chunk.byteLength.toString(16) + "\r\n"));
        await writeAll(conn, chunk);
        await writeAll(conn, encoder.encode("\r\n"));
      } else await writeAll(conn, chunk);
    }
    if (chunked) await writeAll(conn, encoder.encode("0\r\n\r\n"));
    return true;
  } catch {
    safeClose(conn);
    return false;
  }
}

/** Writes all of `data`. */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.byteLength) at += await conn.write(data.subarray(at));
}

/** Closes a connection, ignoring "already closed". */
export function safeClose(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}
