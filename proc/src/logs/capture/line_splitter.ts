/**
 * Cuts a byte stream into lines for the log: `\n` ends a line (a trailing `\r` is dropped),
 * a line longer than `maxLineBytes` is emitted in pieces, invalid UTF-8 becomes U+FFFD, and
 * whatever is left without a final newline is emitted on `end()`. With a block handler, runs
 * of ordinary lines are handed over as one block of bytes (decoded later, by
 * {@link blockLines}), so a child printing a million lines costs a million `indexOf` calls
 * instead of a million strings and objects.
 */

// One decoder for all splitters: decoding whole lines without `stream` keeps no state. A BOM
// is kept as data, so a line decodes the same alone or inside a block.
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** Receives a run of complete lines: `bytes` holds `lines` lines, each ending with `\n`. */
export type BlockHandler = (bytes: Uint8Array, lines: number) => void;

/** The first `lines` lines of a block (each ends with `\n`). */
export function cutLines(bytes: Uint8Array, lines: number): Uint8Array {
  let end = 0;
  for (let i = 0; i < lines; i++) end = bytes.indexOf(10, end) + 1;
  return bytes.slice(0, end);
}

/** The lines of a block, exactly as the per-line path would have emitted them. */
export function blockLines(bytes: Uint8Array): string[] {
  // `\n` is ASCII: it always ends a truncated UTF-8 sequence, so decoding the block at once
  // gives the same U+FFFD replacements as decoding each line alone.
  const lines = decoder.decode(bytes).split("\n");
  lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Splits chunks into lines and hands each to `onLine` (or runs of them to `onBlock`). */
export class LineSplitter {
  readonly #onLine: (line: string) => void;
  readonly #onBlock?: BlockHandler;
  readonly #max: number;
  #parts: Uint8Array[] = [];
  #size = 0;

  /** `maxLineBytes` defaults to 16 KiB. */
  constructor(
    onLine: (line: string) => void,
    opts: { maxLineBytes?: number; onBlock?: BlockHandler } = {},
  ) {
    this.#onLine = onLine;
    this.#onBlock = opts.onBlock;
    this.#max = opts.maxLineBytes ?? 16 * 1024;
  }

  /** Consumes a chunk. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    if (this.#size > 0 || !this.#onBlock) {
      // The end of a carried line (or every line, without a block handler) goes line by line.
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl === -1) break;
        this.#append(chunk.subarray(pos, nl));
        this.#emit();
        pos = nl + 1;
        if (this.#onBlock) break;
      }
      if (!this.#onBlock || this.#size > 0) {
        if (pos < chunk.length) this.#append(chunk.subarray(pos));
        return;
      }
    }
    let from = pos, lines = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl === -1) break;
      if (nl - pos > this.#max) {
        // A line too long for one record: flush the block so far, then cut it in pieces.
        if (lines) this.#onBlock(chunk.slice(from, pos), lines);
        this.#append(chunk.subarray(pos, nl));
        this.#emit();
        from = nl + 1;
        lines = 0;
      } else lines++;
      pos = nl + 1;
    }
    // Copy: the chunk's buffer may be reused by the stream.
    if (lines) this.#onBlock(chunk.slice(from, pos), lines);
    if (pos < chunk.length) this.#append(chunk.subarray(pos));
  }

  /** Bytes held back as the start of a line not yet terminated. */
  get pending(): number {
    return this.#size;
  }

  /** Emits the last, unterminated line if any. */
  end(): void {
    if (this.#size > 0) this.#emit();
  }

  #append(bytes: Uint8Array): void {
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

  #emit(): void {
    let bytes: Uint8Array;
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
