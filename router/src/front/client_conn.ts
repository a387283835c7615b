/**
 * One client connection of the TCP front: the socket, who it is, the bytes read from it but not
 * used yet (the rest of a head, body bytes, a pipelined next request) in one buffer allocated
 * once per connection, and its deadline. Deadlines are plain fields that the front's one
 * sweeper reads each second, which costs nothing per request (no timer, no map).
 */
import { safeClose } from "../http/upstream_io.ts";

/** A client connection and its read buffer. */
export class ClientConn {
  /** Unused bytes are `buf[start, end)`. */
  start = 0;
  end = 0;
  readonly buf: Uint8Array;
  /** When the connection is cut (0: no deadline): waiting too long for a request head. */
  deadline = 0;
  /** The upstream connection waiting for a response head, and when it is given up. */
  upstream: Deno.Conn | undefined;
  upstreamDeadline = 0;
  #closed = false;

  /** Wraps an accepted connection from `peer` (its IP address). */
  constructor(readonly conn: Deno.Conn, readonly peer: string, bufferSize: number) {
    this.buf = new Uint8Array(bufferSize);
  }

  /** Bytes read and not used yet. */
  get available(): number {
    return this.end - this.start;
  }

  /** True once {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Marks `n` buffered bytes as used. */
  consume(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /**
   * Reads more bytes after the buffered ones (add the count to `end`); null at the end of the
   * stream or when the buffer is full. Rejects once the connection is closed.
   */
  read(): Promise<number | null> {
    if (this.end === this.buf.byteLength) {
      if (this.start === 0) return Promise.resolve(null);
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    return this.conn.read(this.end === 0 ? this.buf : this.buf.subarray(this.end));
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    safeClose(this.conn);
  }
}
