/**
 * Starting one child in its own process group (a new session, so the group id is its pid),
 * with stdout and stderr read continuously into lines — or under a PTY with node-pty. The
 * reader never pauses the pipes, so a child can never block on its output.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { LineSplitter } from "../logs/capture/line_splitter.ts";

/** What to run. */
export interface ChildSpec {
  argv: string[];
  cwd?: string;
  env: Record<string, string>;
  tty?: boolean;
  /**
   * `cgroup.procs` files the child writes itself into before it execs the command, so nothing
   * it ever forks starts outside its cgroups.
   */
  join?: string[];
}

/** How a child ended: one shape for every process result. */
export interface ChildExit {
  exitCode: number | null;
  signal: string | null;
  /** Why neither is known, when that is the case. */
  note?: string;
}

/** A running child. */
export interface ChildHandle {
  pid: number;
  /** Its process group (equal to its pid). */
  pgid: number;
  /** Resolves when the child itself has exited and its output is fully read. */
  exited: Promise<ChildExit>;
}

/** Receives each captured line. */
export type LineHandler = (stream: "stdout" | "stderr", line: string) => void;

/** Receives runs of complete lines as bytes (see LineSplitter); optional. */
export type BlockCapture = (stream: "stdout" | "stderr", bytes: Uint8Array, lines: number) => void;

/** Spawns `spec`; rejects with a readable error if it cannot be started. */
export function spawnChild(
  spec: ChildSpec,
  onLine: LineHandler,
  opts: { onBlock?: BlockCapture } = {},
): Promise<ChildHandle> {
  if (spec.join?.length) {
    // Exec failures would surface as the shell's exit code: check the command first.
    try {
      checkCommand(spec);
    } catch (err) {
      return Promise.reject(err);
    }
    spec = { ...spec, argv: joinArgv(spec.join, spec.argv) };
  }
  return spec.tty ? spawnPty(spec, onLine) : spawnPiped(spec, onLine, opts.onBlock);
}

/** Writes its own pid into each file named by the first N arguments, then execs the rest. */
const JOIN_SCRIPT =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';

/** The argv that joins `files` (cgroup.procs) and then execs `argv` in the same process. */
export function joinArgv(files: string[], argv: string[]): string[] {
  return ["/bin/sh", "-c", JOIN_SCRIPT, "hero_proc_join", String(files.length), ...files, ...argv];
}

/** Throws the error spawn would give when `spec.argv[0]` or `spec.cwd` cannot be used. */
export function checkCommand(spec: ChildSpec): void {
  const cmd = spec.argv[0];
  const fail = (code: string, where = cmd) =>
    spawnError(spec, Object.assign(new Error(`spawn ${cmd} ${code}`), { code, path: where }));
  if (spec.cwd !== undefined && !isDir(spec.cwd)) throw fail("ENOENT", spec.cwd);
  const candidates = cmd.includes("/")
    ? [path.resolve(spec.cwd ?? process.cwd(), cmd)]
    : (spec.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(":").filter(Boolean).map((d) =>
      path.resolve(spec.cwd ?? process.cwd(), d, cmd)
    );
  let found = false;
  for (const c of candidates) {
    try {
      if (!fs.statSync(c).isFile()) continue;
      found = true;
      fs.accessSync(c, fs.constants.X_OK);
      return;
    } catch { /* next */ }
  }
  throw fail(found ? "EACCES" : "ENOENT");
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function spawnPiped(
  spec: ChildSpec,
  onLine: LineHandler,
  onBlock?: BlockCapture,
): Promise<ChildHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = new LineSplitter((l) => onLine("stdout", l), {
      onBlock: onBlock && ((b, n) => onBlock("stdout", b, n)),
    });
    const err = new LineSplitter((l) => onLine("stderr", l), {
      onBlock: onBlock && ((b, n) => onBlock("stderr", b, n)),
    });
    child.stdout.on("data", (c: Uint8Array) => out.push(c));
    child.stderr.on("data", (c: Uint8Array) => err.push(c));
    child.once("error", (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined) reject(spawnError(spec, e));
    });
    // libuv reports exec failures synchronously: with a pid, the child runs (no need to wait
    // for the "spawn" event, which only costs a turn of the event loop on every restart).
    if (child.pid === undefined) return;
    const exited = new Promise<ChildExit>((done) => {
      // `close` fires after `exit` once both pipes are drained — but a grandchild holding the
      // pipes open would delay it forever, so we only wait for the pipes briefly.
      child.once("exit", (code, signal) => {
        const timer = setTimeout(finish, 200);
        child.once("close", finish);
        function finish() {
          clearTimeout(timer);
          out.end();
          err.end();
          done({ exitCode: code, signal });
        }
      });
    });
    resolve({ pid: child.pid, pgid: child.pid, exited });
  });
}

async function spawnPty(spec: ChildSpec, onLine: LineHandler): Promise<ChildHandle> {
  let term;
  try {
    const pty = await import("node-pty").catch((err: Error) => {
      throw new Error(`tty = true needs node-pty, which is not installed (${err.message})`);
    });
    term = pty.spawn(spec.argv[0], spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      cols: 120,
      rows: 40,
      name: "xterm-256color",
    });
  } catch (e) {
    throw spawnError(spec, e as Error);
  }
  const splitter = new LineSplitter((l) => onLine("stdout", l));
  const encoder = new TextEncoder();
  term.onData((d) => splitter.push(encoder.encode(d)));
  const exited = new Promise<ChildExit>((done) => {
    term.onExit(({ exitCode, signal }) => {
      // Let the last output arrive before closing the line.
      setTimeout(() => {
        splitter.end();
        done({ exitCode: signal ? null : exitCode, signal: signal ? signalName(signal) : null });
      }, 20);
    });
  });
  return { pid: term.pid, pgid: term.pid, exited };
}

function signalName(n: number): string {
  const found = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return found ? found[0] : `SIG${n}`;
}

function spawnError(spec: ChildSpec, e: NodeJS.ErrnoException | Error): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOENT"
    ? spec.cwd && (e as NodeJS.ErrnoException).path !== spec.argv[0]
      ? `command or directory not found (${spec.argv[0]}, cwd ${spec.cwd})`
      : `command not found: ${spec.argv[0]}`
    : code === "EACCES"
    ? `permission denied: ${spec.argv[0]}`
    : e.message;
  return new Error(why);
}
