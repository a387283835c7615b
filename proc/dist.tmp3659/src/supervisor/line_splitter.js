/**
 * Cuts a byte stream into lines for the log: `\n` ends a line (a trailing `\r` is dropped),
 * a line longer than `maxLineBytes` is emitted in pieces, invalid UTF-8 becomes U+FFFD, and
 * whatever is left without a final newline is emitted on `end()`.
 */

// One decoder for all splitters: decoding whole lines without `stream` keeps no state.
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Splits chunks into lines and hands each to `onLine`. */
export class LineSplitter {
           #onLine                        ;
           #max        ;
  #parts               = [];
  #size = 0;

  /** `maxLineBytes` defaults to 16 KiB. */
  constructor(onLine                        , maxLineBytes = 16 * 1024) {
    this.#onLine = onLine;
    this.#max = maxLineBytes;
  }

  /** Consumes a chunk. */
  push(chunk            )       {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.#append(chunk.subarray(start, nl));
      this.#emit();
      start = nl + 1;
    }
    if (start < chunk.length) this.#append(chunk.subarray(start));
  }

  /** Emits the last, unterminated line if any. */
  end()       {
    if (this.#size > 0) this.#emit();
  }

  #append(bytes            )       {
    while (this.#size + bytes.length > this.#max) {
      const room = this.#max - this.#size;
      this.#parts.push(bytes.subarray(0, room));
      this.#size += room;
      this.#emit();
      bytes = bytes.subarray(room);
    }
    if (bytes.length) {
      // Copy: the chunk's buffer may be reused by the stream.
      this.#parts.push(bytes.slice());
      this.#size += bytes.length;
    }
  }

  #emit()       {
    let bytes            ;
    if (this.#parts.length === 1) bytes = this.#parts[0];
    else {
      bytes = new Uint8Array(this.#size);
      let o = 0;
      for (const p of this.#parts) (bytes.set(p, o), (o += p.length));
    }
    this.#parts = [];
    this.#size = 0;
    let line = decoder.decode(bytes);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.#onLine(line);
  }
}
