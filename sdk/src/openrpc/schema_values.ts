/** JSON value helpers of schema_check.ts: equality, length and JSON Pointers, as Ajv has them. */

/** A plain JSON object (not null, not an array). */
export function isObject(d: unknown): d is Record<string, unknown> {
  return typeof d === "object" && d !== null && !Array.isArray(d);
}

/** Whether a schema contains `$ref` anywhere (Ajv then compiles it as a function of its own). */
export function hasRef(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasRef);
  if (!isObject(schema)) return false;
  return Object.entries(schema).some(([k, v]) => k === "$ref" || hasRef(v));
}

/** The value at a JSON Pointer fragment (`/a/b`), or `{ found: false }` when there is none. */
export function resolvePointer(
  root: unknown,
  fragment: string,
): { found: true; value: unknown } | { found: false } {
  let node = root;
  if (fragment === "") return { found: true, value: node };
  if (!fragment.startsWith("/")) return { found: false };
  for (const raw of fragment.slice(1).split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    } catch {
      return { found: false };
    }
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, part)) {
      return { found: false };
    }
    node = (node as Record<string, unknown>)[part];
  }
  return { found: true, value: node };
}

/** A property name as one JSON Pointer segment. */
export function pointerPart(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Length in code points, as Ajv counts it (a surrogate pair is one character). */
export function ucs2length(s: string): number {
  let length = 0;
  for (let pos = 0; pos < s.length;) {
    length++;
    const c = s.charCodeAt(pos++);
    if (c >= 0xd800 && c <= 0xdbff && pos < s.length && (s.charCodeAt(pos) & 0xfc00) === 0xdc00) {
      pos++;
    }
  }
  return length;
}

/** Deep equality of JSON values (what Ajv's fast-deep-equal answers for them). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a !== a && b !== b;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) =>
    Object.hasOwn(b, k) &&
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}
