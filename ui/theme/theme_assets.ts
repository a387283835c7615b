/**
 * Serves the shared theme (hero.css, hero_ui.js) from this folder, so hero_router (Deno) and
 * hero_proc (Node) ship one copy of the look. Files are read once and kept in memory. A
 * single-file build (router/scripts/build_single_file.ts) carries its files embedded, by URL.
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";

/** The theme's files, by the name they are served under. */
export const THEME_FILES: Record<string, string> = {
  "hero.css": "text/css; charset=utf-8",
  "hero_ui.js": "text/javascript; charset=utf-8",
};

const cache = new Map<string, Promise<Uint8Array>>();

/** Reads a static file once (later calls share the first read). */
export function readStatic(url: URL): Promise<Uint8Array> {
  let bytes = cache.get(url.href);
  if (!bytes) {
    const embedded = (globalThis as { [k: symbol]: Map<string, string> | undefined })[
      Symbol.for("hero.assets")
    ]?.get(url.href);
    bytes = embedded !== undefined
      ? Promise.resolve(new Uint8Array(Buffer.from(embedded, "base64")))
      : readFile(url).then((b) => new Uint8Array(b));
    bytes.catch(() => cache.delete(url.href));
    cache.set(url.href, bytes);
  }
  return bytes;
}

/** A static file response with its content type and a short cache lifetime. */
export async function staticResponse(url: URL, contentType: string): Promise<Response> {
  const body = await readStatic(url);
  return new Response(body as BodyInit, {
    headers: { "content-type": contentType, "cache-control": "public, max-age=300" },
  });
}

/** The response for a theme file name, or undefined if it is not one. */
export function themeAsset(name: string): Promise<Response> | undefined {
  const type = THEME_FILES[name];
  return type ? staticResponse(new URL(`./${name}`, import.meta.url), type) : undefined;
}
