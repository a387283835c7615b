/**
 * Picks the runtime adapter once, at load time: Deno gets `deno.ts`, Node and Bun get `node.ts`.
 * The adapter path is held in a variable so that Node's type checker never loads Deno's types.
 * A single-file build (which cannot follow that variable) sets the adapter beforehand under
 * {@link RUNTIME_PRESET}.
 */
import type { Runtime } from "./types.ts";

/** The global key under which a bundled program presets its adapter (before loading the SDK). */
export const RUNTIME_PRESET: unique symbol = Symbol.for("hero.sdk.runtime");

const preset = (globalThis as { [RUNTIME_PRESET]?: Runtime })[RUNTIME_PRESET];
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const adapterPath = isDeno ? "./deno.ts" : "./node.ts";
const adapter: { runtime: Runtime } = preset ? { runtime: preset } : await import(adapterPath);

/** The adapter for the runtime this code is running on. */
export function currentRuntime(): Runtime {
  return adapter.runtime;
}
