/**
 * The hero_shim binary (`proc/native/hero_shim.c`): compiled on first use with the system's C
 * compiler into `proc/dist/hero_shim` (statically linked where libc allows, so each shim stays
 * a few hundred KB resident), and again whenever the source is newer. Without a compiler,
 * jobs run without a shim: their output and exit status then die with hero_proc, and crash
 * recovery stops and restarts them instead of adopting them.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** proc/, whether this module runs from src/ or from a build in dist/<build>/src/. */
function procDir(): string {
  const here = fileURLToPath(import.meta.url);
  const i = here.lastIndexOf("/dist/");
  return i >= 0 ? here.slice(0, i) : path.resolve(path.dirname(here), "../..");
}

let cached: { path?: string; problem?: string } | undefined;

function mtime(f: string): number {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The path of a current hero_shim binary, building it if needed; undefined (with the reason in
 * `shimProblem()`) when it cannot be built or `HERO_PROC_SHIM=off`.
 */
export function shimBinary(
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (/^(off|0|false|no)$/i.test(env.HERO_PROC_SHIM ?? "")) return undefined;
  if (cached) return cached.path;
  const dir = procDir();
  const src = path.join(dir, "native", "hero_shim.c");
  const out = path.join(dir, "dist", "hero_shim");
  if (mtime(out) >= mtime(src) && mtime(src) >= 0) return (cached = { path: out }).path;
  if (mtime(src) < 0) {
    cached = { problem: `no source at ${src}` };
    return undefined;
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  let problem = "";
  for (const flags of [["-static"], []]) {
    const r = spawnSync(env.CC ?? "cc", ["-O2", ...flags, "-o", tmp, src], { encoding: "utf8" });
    if (r.status === 0) {
      fs.renameSync(tmp, out);
      return (cached = { path: out }).path;
    }
    problem = r.error ? `${env.CC ?? "cc"}: ${r.error.message}` : r.stderr.trim().split("\n")[0];
  }
  fs.rmSync(tmp, { force: true });
  cached = { problem: `cannot compile ${src}: ${problem}` };
  return undefined;
}

/** Why there is no shim binary (after {@link shimBinary} returned undefined). */
export function shimProblem(): string | undefined {
  return cached?.problem;
}
