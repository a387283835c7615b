/**
 * Results that carry files: where a method's result schema marks a string as a file
 * (`contentMediaType`, plus `contentEncoding: "base64"` for bytes — see `binarySchema` in the
 * SDK), the value becomes MCP content of its own: `image/*` bytes an image, `audio/*` bytes
 * audio, anything else an embedded resource (`blob` for bytes, `text` for text). The rest of the
 * result stays structured content and JSON text, with each file replaced by a short note.
 */

/** One step of a path into a result: a property name, or every item of an array. */
export type SlotStep = string | typeof EVERY_ITEM;

/** Marks "every item of an array" in a {@link MediaSlot} path. */
export const EVERY_ITEM: unique symbol = Symbol("every item");

/** A place in a result that holds a file. */
export interface MediaSlot {
  path: SlotStep[];
  mediaType: string;
  /** Bytes in base64 (otherwise text). */
  base64: boolean;
}

/** One MCP content block the gateway produces. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image" | "audio"; data: string; mimeType: string }
  | {
    type: "resource";
    resource:
      | { uri: string; mimeType: string; text: string }
      | { uri: string; mimeType: string; blob: string };
  };

const MAX_DEPTH = 8;

/** The file slots of a (resolved) result schema; empty for plain JSON results. */
export function mediaSlots(schema: unknown): MediaSlot[] {
  const out: MediaSlot[] = [];
  walk(schema, [], 0, out);
  return out;
}

function walk(schema: unknown, path: SlotStep[], depth: number, out: MediaSlot[]): void {
  if (!isObject(schema) || depth > MAX_DEPTH) return;
  if (typeof schema.contentMediaType === "string") {
    out.push({
      path,
      mediaType: schema.contentMediaType,
      base64: schema.contentEncoding === "base64",
    });
    return;
  }
  if (isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      walk(sub, [...path, key], depth + 1, out);
    }
  }
  if (isObject(schema.items)) walk(schema.items, [...path, EVERY_ITEM], depth + 1, out);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) { for (const sub of list) walk(sub, path, depth + 1, out); }
  }
}

/** Where a file came from, for resource URIs that the result does not name. */
export interface ContentOrigin {
  service: string;
  method: string;
}

/**
 * Splits a result into content blocks: the files found at `slots` (in result order), and, when
 * anything else remains, the rest as JSON text first plus `structured` (objects as they are,
 * other values as `{ result }`). A result that is one file is just that file.
 */
export function splitContent(
  result: unknown,
  slots: MediaSlot[],
  origin: ContentOrigin,
): { content: ContentBlock[]; structured?: Record<string, unknown> } {
  const files: ContentBlock[] = [];
  let rest = result;
  for (const slot of slots) {
    rest = replaceAt(rest, slot, 0, "", (value, pointer, parent) => {
      const block = toBlock(value, slot, uriFor(parent, origin, pointer));
      files.push(block);
      return `[${block.type === "resource" ? "resource" : block.type} ${slot.mediaType}, ` +
        `${sizeOf(value, slot.base64)} bytes: content block ${files.length}]`;
    });
  }
  if (files.length > 0 && slots.some((s) => s.path.length === 0) && typeof result === "string") {
    return { content: files };
  }
  const structured = isObject(rest) ? rest : { result: rest };
  const text: ContentBlock = { type: "text", text: JSON.stringify(rest ?? null) };
  return { content: [text, ...files], structured };
}

type Replace = (value: string, pointer: string, parent: unknown) => string;

/** Returns `value` with every string at the slot's path replaced (copying only what changes). */
function replaceAt(
  value: unknown,
  slot: MediaSlot,
  step: number,
  pointer: string,
  replace: Replace,
  parent?: unknown,
): unknown {
  if (step === slot.path.length) {
    return typeof value === "string" ? replace(value, pointer, parent) : value;
  }
  const key = slot.path[step];
  if (key === EVERY_ITEM) {
    if (!Array.isArray(value)) return value;
    return value.map((item, i) => replaceAt(item, slot, step + 1, `${pointer}/${i}`, replace));
  }
  if (!isObject(value) || !Object.hasOwn(value, key)) return value;
  const next = replaceAt(value[key], slot, step + 1, `${pointer}/${escape(key)}`, replace, value);
  return next === value[key] ? value : { ...value, [key]: next };
}

function toBlock(value: string, slot: MediaSlot, uri: string): ContentBlock {
  const major = slot.mediaType.split("/")[0];
  if (slot.base64 && (major === "image" || major === "audio")) {
    return { type: major, data: value, mimeType: slot.mediaType };
  }
  return {
    type: "resource",
    resource: slot.base64
      ? { uri, mimeType: slot.mediaType, blob: value }
      : { uri, mimeType: slot.mediaType, text: value },
  };
}

/** The `uri` string beside the file in its object, else `hero://<service>/<method><pointer>`. */
function uriFor(parent: unknown, origin: ContentOrigin, pointer: string): string {
  if (isObject(parent) && typeof parent.uri === "string" && parent.uri !== "") return parent.uri;
  return `hero://${origin.service}/${encodeURIComponent(origin.method)}${pointer}`;
}

function sizeOf(value: string, base64: boolean): number {
  if (!base64) return new TextEncoder().encode(value).byteLength;
  const pad = value.endsWith("==") ? 2 : value.endsWith("=") ? 1 : 0;
  return Math.floor(value.length * 3 / 4) - pad;
}

function escape(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
