/**
 * Starting one child in its own process group (a new session, so the group id is its pid),
 * with stdout and stderr read continuously into lines — or under a PTY with node-pty. The
 * reader never pauses the pipes, so a child can never block on its output.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { LineSplitter } from "./line_splitter.ts";

/** What to run. */
export interface ChildSpec {
  argv: string[];
  cwd?: string;
  env: Record<string, string>;
  tty?: boolean;
}

/** How a child ended: one shape for every process result. */
export interface ChildExit {
  exitCode: number | null;
  signal: string | null;
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
  return spec.tty ? spawnPty(spec, onLine) : spawnPiped(spec, onLine, opts.onBlock);
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
