/**
 * Ajv, loaded only when a schema needs it (see schema_check.ts): on Node by a synchronous
 * `require` on first use, so a service whose schemas never need it never pays its ~13 MB. Deno
 * cannot require npm packages without a node_modules folder, so there it is imported up front.
 */
import { createRequire } from "node:module";
import type { Ajv } from "ajv";

/** What is used of the `ajv` package's exports. */
export interface AjvModule {
  Ajv: typeof Ajv;
}

let loaded: AjvModule | undefined = "Deno" in globalThis
  ? (await import("ajv")) as AjvModule
  : undefined;

/** The Ajv package, loaded on the first call. */
export function loadAjv(): AjvModule {
  return loaded ??= createRequire(import.meta.url)("ajv") as AjvModule;
}
