/**
 * A request body on its way through the TCP front: the part that arrived with the head (sent
 * up with it), then the rest as the client sends it, in the framing it came in (Content-Length
 * or chunked, relayed as it is), so that the next request on the connection starts where it
 * should.
 */
import { safeClose, writeAll } from "../http/upstream_io.ts";
import { ChunkScanner } from "./chunk_scanner.ts";
import type { ClientConn } from "./client_conn.ts";
import type { RequestHead } from "./request_head.ts";

/** The request body: how much of it is in the client's buffer, and the rest as it comes. */
export class RequestBody {
  #left: number;
  #scanner: ChunkScanner | undefined;
  /** True once every byte of the body was taken. */
  done: boolean;

  /** The body `head` announces. */
  constructor(head: RequestHead) {
    this.#left = head.body.kind === "length" ? head.body.length : 0;
    this.#scanner = head.body.kind === "chunked" ? new ChunkScanner() : undefined;
    this.done = this.#left === 0 && !this.#scanner;
  }

  /** How many buffered bytes belong to the body; throws on a malformed chunked body. */
  takeBuffered(c: ClientConn): number {
    if (this.#scanner) {
      const e = this.#scanner.scan(c.buf, c.start, c.end);
      this.done = e >= 0;
      return e < 0 ? c.available : e - c.start;
    }
    const n = Math.min(this.#left, c.available);
    this.#left -= n;
    this.done = this.#left === 0;
    return n;
  }

  /** Forwards the rest of the body to `to`; false if the client or the upstream failed. */
  async pump(c: ClientConn, to: Deno.Conn): Promise<boolean> {
    try {
      while (!this.done) {
        if (c.available === 0) {
          const k = await c.read();
          if (k === null) return false;
          c.end += k;
        }
        const n = this.takeBuffered(c);
        await writeAll(to, c.buf.subarray(c.start, c.start + n));
        c.consume(n);
      }
      return true;
    } catch {
      safeClose(to);
      return false;
    }
  }
}
