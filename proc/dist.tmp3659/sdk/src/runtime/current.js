/**
 * Picks the runtime adapter once, at load time: Deno gets `deno.ts`, Node and Bun get `node.ts`.
 * The adapter path is held in a variable so that Node's type checker never loads Deno's types.
 */
                                          

const isDeno = typeof (globalThis                      ).Deno === "object";
const adapterPath = isDeno ? "./deno.js" : "./node.js";
const adapter                       = await import(adapterPath);

/** The adapter for the runtime this code is running on. */
export function currentRuntime()          {
  return adapter.runtime;
}
