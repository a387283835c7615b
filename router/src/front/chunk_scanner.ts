/**
 * Finds where a chunked body ends without decoding it: the TCP front relays chunked bodies as
 * they came (no re-chunking, no copy) and only needs to know which byte is the last one, so
 * that the next message on the connection starts in the right place. Strict like the request
 * head parser: a malformed size or line end is an error, never a guess.
 */

const SIZE = 0;
const SIZE_MORE = 1;
const EXT = 2;
const SIZE_LF = 3;
const DATA = 4;
const DATA_CR = 5;
const DATA_LF = 6;
const TRAILER = 7;
const TRAILER_LINE = 8;
const TRAILER_LF = 9;
const END_LF = 10;
const DONE = 11;

/** Largest chunk size accepted (hex digits), far beyond any real chunk. */
const MAX_SIZE_DIGITS = 12;

/** Thrown on a body that is not valid chunked encoding. */
export class ChunkedSyntaxError extends Error {
  /** Names the problem. */
  constructor(what: string) {
    super(`malformed chunked body: ${what}`);
    this.name = "ChunkedSyntaxError";
  }
}

/** Tracks a chunked body across reads. */
export class ChunkScanner {
  #state = SIZE;
  #size = 0;
  #digits = 0;
  #remaining = 0;

  /** True once the last chunk and the trailers were seen. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /**
   * Scans `buf[from, to)`; returns the index just after the end of the body, or -1 when the
   * body goes on past `to`. Throws {@link ChunkedSyntaxError}.
   */
  scan(buf: Uint8Array, from: number, to: number): number {
    if (this.#state === DONE) return from;
    let i = from;
    while (i < to) {
      const s = this.#state;
      if (s === DATA) {
        const n = Math.min(this.#remaining, to - i);
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = DATA_CR;
        continue;
      }
      const c = buf[i++];
      switch (s) {
        case SIZE:
        case SIZE_MORE: {
          const d = hexValue(c);
          if (d >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) {
              throw new ChunkedSyntaxError("chunk size too large");
            }
            this.#size = this.#size * 16 + d;
            this.#state = SIZE_MORE;
          } else if (s === SIZE) {
            throw new ChunkedSyntaxError("a chunk size must start with a digit");
          } else if (c === 13) this.#state = SIZE_LF;
          else if (c === 59 || c === 32 || c === 9) this.#state = EXT;
          else throw new ChunkedSyntaxError("unexpected byte in a chunk size");
          break;
        }
        case EXT:
          if (c === 13) this.#state = SIZE_LF;
          else if (c === 10 || c === 0) throw new ChunkedSyntaxError("bad chunk extension");
          break;
        case SIZE_LF:
          if (c !== 10) throw new ChunkedSyntaxError("CR without LF after a chunk size");
          if (this.#size === 0) this.#state = TRAILER;
          else {
            this.#remaining = this.#size;
            this.#state = DATA;
          }
          this.#size = 0;
          this.#digits = 0;
          break;
        case DATA_CR:
          if (c !== 13) throw new ChunkedSyntaxError("chunk data longer than its size");
          this.#state = DATA_LF;
          break;
        case DATA_LF:
          if (c !== 10) throw new ChunkedSyntaxError("CR without LF after chunk data");
          this.#state = SIZE;
          break;
        case TRAILER:
          if (c === 13) this.#state = END_LF;
          else if (c === 10) throw new ChunkedSyntaxError("bare LF in the trailers");
          else this.#state = TRAILER_LINE;
          break;
        case TRAILER_LINE:
          if (c === 13) this.#state = TRAILER_LF;
          else if (c === 10) throw new ChunkedSyntaxError("bare LF in the trailers");
          break;
        case TRAILER_LF:
          if (c !== 10) throw new ChunkedSyntaxError("CR without LF in the trailers");
          this.#state = TRAILER;
          break;
        case END_LF:
          if (c !== 10) throw new ChunkedSyntaxError("CR without LF at the end of the body");
          this.#state = DONE;
          return i;
      }
    }
    return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
