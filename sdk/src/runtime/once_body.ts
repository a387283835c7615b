/**
 * A body already in memory, readable once the way a web `Request`/`Response` body is: the
 * lightweight views (node_request.ts, response_bytes.ts) serve their body readers from it.
 */

const decoder = new TextDecoder();

/** Bytes that may be taken once; a second read throws as the web's body readers do. */
export class OnceBody {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #used = false;

  /** Holds `bytes` without copying them. */
  constructor(bytes: Uint8Array<ArrayBuffer>) {
    this.#bytes = bytes;
  }

  /** Whether the body was taken. */
  get used(): boolean {
    return this.#used;
  }

  /** Throws, as a consumed web body does, once the body was taken. */
  assertUnused(): void {
    if (this.#used) throw new TypeError("Body is unusable: it has already been read");
  }

  /** The bytes, once; throws on a second call. */
  take(): Uint8Array<ArrayBuffer> {
    this.assertUnused();
    this.#used = true;
    return this.#bytes;
  }

  /** The body decoded as UTF-8. */
  text(): string {
    return decoder.decode(this.take());
  }

  /** The body in an ArrayBuffer of its own (the bytes may be a view into a larger one). */
  arrayBuffer(): ArrayBuffer {
    const b = this.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
}
