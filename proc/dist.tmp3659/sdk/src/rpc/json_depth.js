/**
 * A linear pre-scan of JSON text that rejects documents nested deeper than a limit before
 * `JSON.parse` builds them: deep nesting is a cheap way to make a server burn stack and memory.
 */

/** Returns true if the JSON text nests arrays/objects deeper than `maxDepth`. */
export function jsonDepthExceeds(text        , maxDepth        )          {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/** Depth of an already-parsed value (used for values that did not come from text). */
export function valueDepth(value         , limit = 1000)         {
  if (value === null || typeof value !== "object") return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const d = valueDepth(v, limit - 1);
    if (d > max) max = d;
  }
  return max + 1;
}
