/**
 * hero_auth's first start with an empty compile cache (after an install or an update) strips
 * the types of its TypeScript sources with Node's WebAssembly stripper, which then stays
 * resident for the life of the process (about 27 MB of RSS, bench/auth.ts). Once every module
 * is loaded, their compiled form is written to the cache and the process replaces itself with
 * a fresh image of the same command (`execve`: the same pid, so hero_proc supervises it
 * unchanged, and no socket is bound yet), which finds them there. Once only: the new image
 * carries a marker, so an unwritable cache cannot make it loop.
 */
import module from "node:module";
import process from "node:process";

const MARKER = "HERO_AUTH_WARM_RESTART";
const STRIPPER = "NativeModule internal/deps/amaro/dist/index";

/** Restarts the process in place if it stripped TypeScript at run time (see the module doc). */
export function restartWarmIfStripped(): void {
  const loaded = (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  const execve = (process as unknown as { execve?: typeof process.execve }).execve;
  if (
    !process.env.NODE_COMPILE_CACHE || process.env[MARKER] || !loaded.includes(STRIPPER) ||
    typeof execve !== "function"
  ) return;
  module.flushCompileCache?.();
  execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    [MARKER]: "1",
  });
}
