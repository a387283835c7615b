/**
 * Picks the runtime adapter once, at load time: Deno gets `deno.ts`, Node and Bun get `node.ts`.
 * The adapter path is held in a variable so that Node's type checker never loads Deno's types.
 * In the npm build (JavaScript) the adapter is the `.js` file beside this one. A single-file
 * build (which cannot follow that variable) sets the adapter beforehand under
 * {@link RUNTIME_PRESET}.
 */
import type { Runtime } from "./types.ts";

/** The global key under which a bundled program presets its adapter (before loading the SDK). */
export const RUNTIME_PRESET: unique symbol = Symbol.for("hero.sdk.runtime");

const preset = (globalThis as { [RUNTIME_PRESET]?: Runtime })[RUNTIME_PRESET];
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
// The npm build is JavaScript beside this file: the adapter has the same extension as it.
const ext = import.meta.url.endsWith(".js") ? ".js" : ".ts";
const adapterPath = isDeno ? `./deno${ext}` : `./node${ext}`;
const adapter: { runtime: Runtime } = preset ? { runtime: preset } : await import(adapterPath);

/** The adapter for the runtime this code is running on. */
export function currentRuntime(): Runtime {
  return adapter.runtime;
}
