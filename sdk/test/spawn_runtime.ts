/** Starts a TypeScript file as a child process of the same runtime (Deno or Node). */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/** Spawns `file` with `args` under the current runtime; stdout/stderr are piped. */
export function spawnScript(file: string, args: string[] = []): ChildProcess {
  const argv = isDeno ? ["run", "--allow-all", file, ...args] : [file, ...args];
  return spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves with everything the child printed once a line containing `marker` appears. */
export function waitForOutput(
  child: ChildProcess,
  marker: string,
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for "${marker}": ${out}`)),
      timeoutMs,
    );
    const onData = (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      if (out.includes(marker)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", () => {
      clearTimeout(timer);
      if (!out.includes(marker)) reject(new Error(`exited before "${marker}": ${out}`));
    });
  });
}

/** Resolves with the exit code (or signal name) once the child has exited. */
export function waitForExit(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1))
  );
}
