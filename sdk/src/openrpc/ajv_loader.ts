/**
 * Ajv, loaded only when a schema needs it (see schema_check.ts): on Node by a synchronous
 * `require` on first use, so a service whose schemas never need it never pays its ~9 MB resident
 * (hero_proc's schemas compiled by Ajv vs the in-house checker, measured for proc/README.md). Deno
 * cannot require npm packages synchronously, so there it is imported up front by its full
 * `npm:` specifier — resolvable from any project, with no import map entry and no
 * `nodeModulesDir` — and a failure to get it is reported only if a schema ever needs it.
 */
import { createRequire } from "node:module";

/** What is used of an Ajv instance. */
export interface AjvInstance {
  compile(schema: unknown): ((value: unknown) => boolean) & { errors?: unknown[] | null };
}

/** What is used of the `ajv` package's exports. */
export interface AjvModule {
  Ajv: new (options: Record<string, unknown>) => AjvInstance;
}

/** The npm package the Deno side imports (the same range as sdk/package.json). */
const AJV_NPM = "npm:ajv@^8.20.0";

let denoFailure: unknown;
let loaded: AjvModule | undefined = "Deno" in globalThis
  ? await import(AJV_NPM).then((m) => m as AjvModule, (err) => void (denoFailure = err))
  : undefined;

/** The Ajv package, loaded on the first call. */
export function loadAjv(): AjvModule {
  if (loaded) return loaded;
  if (denoFailure) {
    throw new Error(
      `A schema needs Ajv, which could not be loaded (${AJV_NPM}): ${
        (denoFailure as Error).message
      }`,
    );
  }
  return loaded = createRequire(import.meta.url)("ajv") as AjvModule;
}
