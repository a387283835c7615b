/**
 * How hero_auth's Node process is launched (by hero_proc, `npm start` and the bench alike).
 *
 * Flags: a young generation of 1 MB semi-spaces (Node's default grows to tens of MB) keeps its
 * resident memory about 35 MB lower at no cost in throughput (bench/auth.ts measures both).
 * `--no-turbofan` (Maglev stays the optimizing tier) leaves V8's largest compiler's code pages
 * untouched and `--single-threaded` drops V8's background threads: with the vendor bundle,
 * 74-75 MB at 10,000 users instead of 83-84, for 1,040-1,227 grants per CPU-second against
 * 1,237-1,405 (bench/results/auth.md, paired runs).
 *
 * Environment: Node's compile cache. hero_auth runs from its TypeScript sources, and Node strips
 * their types with a WebAssembly module that stays resident once loaded (about 17 MB of RSS);
 * with the cache, a start after the first reuses the stripped, compiled modules and never loads
 * it. The cache only works when set in the environment at startup (not through
 * `module.enableCompileCache()` once running, measured on Node 24), hence an environment here.
 */

/** The Node flags hero_auth runs with. */
export const AUTH_NODE_FLAGS: readonly string[] = [
  "--disable-warning=ExperimentalWarning",
  "--max-semi-space-size=1",
  "--no-turbofan",
  "--single-threaded",
  // For the paced full collections of gc_pacer.ts.
  "--expose-gc",
];

/** The environment hero_auth runs with (added to the one it inherits); the cache sits beside its database. */
export function authNodeEnv(cacheDir: string): Record<string, string> {
  return { NODE_COMPILE_CACHE: cacheDir };
}
