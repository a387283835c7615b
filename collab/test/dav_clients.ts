/**
 * Test support for WebDAV clients run as programs (cadaver, litmus): running one without
 * blocking this process (the server under test may live in it), and what litmus must report on
 * a read-only server.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";

/** Runs a program with `input` on stdin; resolves its stdout and stderr together. */
export function runWithInput(
  cmd: string,
  args: string[],
  input: string,
  cwd: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, HOME: cwd } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.end(input);
  });
}

/**
 * The litmus checks that apply to a read-only server: in each suite `init` (OPTIONS, DAV class
 * 1) passes and `begin` (MKCOL of its scratch collection) is refused with 403.
 */
export function assertLitmusReadOnly(stdout: string): void {
  for (const suite of ["basic", "copymove", "props", "locks", "http"]) {
    const part = stdout.split(`-> running \`${suite}':`)[1]?.split("<- summary")[0] ?? "";
    assert.match(part, /0\. init\.+ pass/, `${suite}: init`);
    assert.match(
      part,
      /1\. begin\.+ FAIL \(Could not create new collection .*403 Forbidden/,
      `${suite}: begin is refused (read-only)`,
    );
  }
}
