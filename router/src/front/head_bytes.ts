/**
 * Bytes of message heads for the TCP front: heads as text with one character per byte, and
 * edited heads assembled from the received bytes, kept header lines copied as they are
 * (whatever bytes they hold) and only added lines written as text.
 */

const ascii = new TextDecoder();
const bytewise = new TextDecoder("x-user-defined");

/**
 * `buf[start, end)` as text with one character per byte, so that text offsets are byte offsets:
 * ASCII as it is (the fast UTF-8 path of the decoder), any other byte `b` as `U+F700 + b`
 * (`x-user-defined`), which {@link HeadBuilder.text} turns back into `b`.
 */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  const bytes = buf.subarray(start, end);
  const text = ascii.decode(bytes);
  // Same length and no replacement character: every byte was ASCII (any other byte either
  // joins others into one character or becomes U+FFFD).
  return text.length === bytes.byteLength && text.indexOf("\uFFFD") < 0
    ? text
    : bytewise.decode(bytes);
}

/**
 * A head built from text and byte ranges of `src`: `text(...)` appends ASCII, `range(a, b)`
 * appends `src[a, b)` (ranges that follow each other are merged, so an unedited run of header
 * lines is one copy).
 */
export class HeadBuilder {
  readonly #src: Uint8Array;
  readonly #parts: (string | number | Uint8Array)[] = [];
  #size = 0;

  /** A builder copying ranges from `src`. */
  constructor(src: Uint8Array) {
    this.#src = src;
  }

  /** Appends text of one character per byte (see {@link latin1}). */
  text(s: string): this {
    this.#parts.push(s);
    this.#size += s.length;
    return this;
  }

  /** Appends bytes. */
  bytes(b: Uint8Array): this {
    this.#parts.push(b);
    this.#size += b.byteLength;
    return this;
  }

  /** Appends `src[start, end)`. */
  range(start: number, end: number): this {
    const p = this.#parts;
    const n = p.length;
    if (n >= 2 && p[n - 1] === start && typeof p[n - 2] === "number") p[n - 1] = end;
    else p.push(start, end);
    this.#size += end - start;
    return this;
  }

  /** The assembled bytes. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    const p = this.#parts;
    let at = 0;
    for (let i = 0; i < p.length; i++) {
      const part = p[i];
      if (typeof part === "string") {
        for (let j = 0; j < part.length; j++) out[at++] = part.charCodeAt(j);
      } else if (part instanceof Uint8Array) {
        out.set(part, at);
        at += part.byteLength;
      } else {
        const end = p[++i] as number;
        out.set(this.#src.subarray(part, end), at);
        at += end - part;
      }
    }
    return out;
  }
}

/** `a` followed by `b` in one new array. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
