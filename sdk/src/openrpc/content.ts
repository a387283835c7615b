/**
 * The OpenRPC convention for results that are not JSON data: a string schema with
 * `contentMediaType` (and `contentEncoding: "base64"` for bytes) says "this value is a file of
 * that media type". The router's MCP gateway turns such values into MCP image, audio or
 * embedded-resource content; an optional sibling `uri` string names a resource.
 */
import type { JsonSchema } from "./method.ts";

/**
 * The schema of base64-encoded bytes of `mediaType` (e.g. `image/png`, `application/pdf`).
 *
 * @example
 * ```ts
 * import { binarySchema, defineMethod, encodeBase64 } from "@hero/sdk";
 * defineMethod({
 *   name: "page.screenshot",
 *   params: [],
 *   result: { name: "png", schema: binarySchema("image/png", "The page as PNG") },
 *   handler: () => encodeBase64(new Uint8Array([137, 80, 78, 71])),
 * });
 * ```
 */
export function binarySchema(mediaType: string, description?: string): JsonSchema {
  return {
    type: "string",
    contentEncoding: "base64",
    contentMediaType: mediaType,
    ...(description ? { description } : {}),
  };
}

/**
 * The schema of text of `mediaType` (e.g. `text/markdown`), carried as an embedded resource.
 *
 * @example
 * ```ts
 * import { defineMethod, textContentSchema } from "@hero/sdk";
 * defineMethod({
 *   name: "doc.markdown",
 *   params: [],
 *   result: { name: "text", schema: textContentSchema("text/markdown") },
 *   handler: () => "# Title",
 * });
 * ```
 */
export function textContentSchema(mediaType: string, description?: string): JsonSchema {
  return { type: "string", contentMediaType: mediaType, ...(description ? { description } : {}) };
}

/**
 * Encodes bytes as base64 (both runtimes; no Buffer).
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "@hero/sdk";
 * encodeBase64(new TextEncoder().encode("hi")); // "aGk="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(out);
}

/**
 * Decodes base64 into bytes.
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "@hero/sdk";
 * new TextDecoder().decode(decodeBase64("aGk=")); // "hi"
 * ```
 */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
