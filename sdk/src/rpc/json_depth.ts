/**
 * A linear pre-scan of JSON text that rejects documents nested deeper than a limit before
 * `JSON.parse` builds them: deep nesting is a cheap way to make a server burn stack and memory.
 */

/** Returns true if the JSON text nests arrays/objects deeper than `maxDepth`. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = stringEnd(text, i);
      if (i < 0) return false; // unterminated: JSON.parse reports it
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * The index of the quote that closes the string opening at `start`, or -1 if it never closes.
 * Strings are most of a large body: this jumps from quote to quote instead of walking them.
 */
export function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    const q = text.indexOf('"', i + 1);
    if (q === -1) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 92 /* \ */) slashes++;
    i = q;
    if (slashes % 2 === 0) return q;
  }
}

/** Depth of an already-parsed value (used for values that did not come from text). */
export function valueDepth(value: unknown, limit = 1000): number {
  if (value === null || typeof value !== "object") return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const d = valueDepth(v, limit - 1);
    if (d > max) max = d;
  }
  return max + 1;
}
