/**
 * Picks the runtime adapter once, at load time: Deno gets `deno.ts`, Node and Bun get `node.ts`.
 * The adapter path is held in a variable so that Node's type checker never loads Deno's types.
 */
import type { Runtime } from "./types.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const adapterPath = isDeno ? "./deno.ts" : "./node.ts";
const adapter: { runtime: Runtime } = await import(adapterPath);

/** The adapter for the runtime this code is running on. */
export function currentRuntime(): Runtime {
  return adapter.runtime;
}
