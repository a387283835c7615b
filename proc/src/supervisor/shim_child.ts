/**
 * A job's process held by hero_shim: started through the shim (which writes it into its
 * cgroups, gives it a session of its own and appends its output to `<job dir>/stdout` and
 * `stderr`), or adopted after a daemon restart from what the shim left (pids in the store,
 * output files, the exit file). Either way the output is followed from a committed offset and
 * the end is learnt from the exit file, so nothing depends on pipes to this daemon.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { JOB_TAG_VAR } from "./job_tag.ts";
import { LineSplitter } from "../logs/capture/line_splitter.ts";
import { OutputTail } from "./output_tail.ts";
import { isAlive, readProc } from "./proc_table.ts";
import type { ShimSpawner } from "./shim_spawner.ts";
import type { BlockCapture, ChildExit, ChildHandle, LineHandler } from "./spawn_child.ts";

/** Where a shimmed job keeps its files. */
export interface JobFiles {
  dir: string;
  stdout: string;
  stderr: string;
  exit: string;
}

/** The files of job `jobId` under `jobsDir`. */
export function jobFiles(jobsDir: string, jobId: number): JobFiles {
  const dir = path.join(jobsDir, String(jobId));
  return {
    dir,
    stdout: path.join(dir, "stdout"),
    stderr: path.join(dir, "stderr"),
    exit: path.join(dir, "exit"),
  };
}

/** How output is handed over and progress reported. */
export interface CaptureHandlers {
  onLine: LineHandler;
  onBlock?: BlockCapture;
  /** Every byte of `stream` before `offset` is in an emitted line. */
  onOffset: (stream: "stdout" | "stderr", offset: number) => void;
}

/** A shimmed child: the handle plus the shim's own pid. */
export interface ShimHandle extends ChildHandle {
  shimPid: number;
  /** Stops following the output and the exit (the job goes on; a next daemon adopts it). */
  release(): void;
}

/** Reads the exit file: `exit N` or `signal N`; undefined while there is none. */
export function readExit(file: string): ChildExit | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  const [kind, n] = text.split(" ");
  if (kind === "signal") return { exitCode: null, signal: signalName(Number(n)) };
  return { exitCode: Number(n), signal: null };
}

function signalName(n: number): string {
  const found = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return found ? found[0] : `SIG${n}`;
}

/** Follows stdout and stderr from the given offsets. */
function follow(
  files: JobFiles,
  offsets: { stdout: number; stderr: number },
  h: CaptureHandlers,
): OutputTail[] {
  return (["stdout", "stderr"] as const).map((stream) => {
    const splitter = new LineSplitter((l) => h.onLine(stream, l), {
      onBlock: h.onBlock && ((b, n) => h.onBlock!(stream, b, n)),
    });
    return new OutputTail(files[stream], offsets[stream], splitter, (o) => h.onOffset(stream, o));
  });
}

/** Reads the output files from `offsets` to their end into lines (a job that is over). */
export async function drainShimmed(
  files: JobFiles,
  offsets: { stdout: number; stderr: number },
  h: CaptureHandlers,
): Promise<void> {
  await Promise.all(follow(files, offsets, h).map((t) => t.finish()));
}

/** Starts `argv` under a shim forked by `spawner`; resolves once the child's pid is known. */
export async function startShimmed(
  spawner: ShimSpawner,
  spec: { argv: string[]; cwd?: string; env: Record<string, string>; tty?: boolean },
  files: JobFiles,
  join: string[],
  h: CaptureHandlers,
): Promise<ShimHandle> {
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  // The job tag goes to the child only (see hero_shim.c).
  const { [JOB_TAG_VAR]: tag, ...rest } = spec.env;
  const env = spec.tty ? { TERM: "xterm-256color", ...rest } : rest;
  const args = [
    files.exit,
    files.stdout,
    spec.tty ? "-" : files.stderr,
    spec.tty ? "1" : "0",
    tag ? `${JOB_TAG_VAR}=${tag}` : "-",
    String(join.length),
    ...join,
    ...spec.argv,
  ];
  const s = await spawner.spawn(args, { cwd: spec.cwd ?? process.cwd(), env });
  const tails = follow(files, { stdout: 0, stderr: 0 }, h);
  return watchEnd({ pid: s.pid, shimPid: s.shimPid, shimStart: null }, files, tails, s.ended);
}

/** The end of a job: output read to the end, then its exit status. */
async function end(files: JobFiles, tails: OutputTail[]): Promise<ChildExit> {
  await Promise.all(tails.map((t) => t.finish()));
  return readExit(files.exit) ??
    { exitCode: null, signal: null, note: "its holder (hero_shim) ended without an exit status" };
}

/** Shims watched without a spawner's word on their end, checked on one shared timer. */
const polled = new Set<() => void>();
let pollTimer: ReturnType<typeof setInterval> | undefined;

function poll(check: () => void, on: boolean): void {
  if (on) polled.add(check);
  else polled.delete(check);
  if (polled.size && !pollTimer) {
    pollTimer = setInterval(() => {
      for (const c of polled) c();
    }, 250);
    pollTimer.unref();
  } else if (!polled.size && pollTimer) {
    clearInterval(pollTimer);
    pollTimer = undefined;
  }
}

/**
 * Watches a shimmed job for its end: the exit file appearing (inotify on the job's directory),
 * the spawner reporting the shim's end (`reaped`), or — when no spawner watches it (adopted, or
 * the spawner is gone) — the shim found dead by a shared 250 ms poll. Then its output is read to
 * the end and `exited` resolves with the exit status.
 */
function watchEnd(
  job: { pid: number; shimPid: number; shimStart: number | null },
  files: JobFiles,
  tails: OutputTail[],
  reaped?: Promise<"ended" | "unwatched">,
): ShimHandle {
  let watcher: fs.FSWatcher | undefined;
  let released = false;
  const shimStart = job.shimStart ?? readProc(job.shimPid)?.startTime ?? null;
  let check = () => {};
  const stop = () => {
    poll(check, false);
    watcher?.close();
  };
  const exited = new Promise<ChildExit>((done) => {
    let over = false;
    const finish = () => {
      if (over || released) return;
      over = true;
      stop();
      end(files, tails).then(done);
    };
    check = () => {
      if (fs.existsSync(files.exit) || !isAlive(job.shimPid, shimStart)) finish();
    };
    try {
      // Writes to the output files in this directory are events too: only the exit file counts.
      watcher = fs.watch(files.dir, { persistent: false }, (_e, name) => {
        if (name === "exit") check();
      });
      watcher.on("error", () => {});
    } catch { /* the poll does it */ }
    if (reaped) {
      reaped.then((how) => {
        if (how === "ended") finish();
        else poll(check, true);
      });
    } else poll(check, true);
    check();
  });
  return {
    pid: job.pid,
    pgid: job.pid,
    shimPid: job.shimPid,
    exited,
    release: () => {
      released = true;
      stop();
      for (const t of tails) t.close();
    },
  };
}

/**
 * Adopts a job a previous daemon started: follows its output from `offsets` and resolves
 * `exited` once the exit file appears (or the shim is gone without writing one).
 */
export function adoptShimmed(
  job: { pid: number; shimPid: number; shimStart: number | null },
  files: JobFiles,
  offsets: { stdout: number; stderr: number },
  h: CaptureHandlers,
): ShimHandle {
  return watchEnd(job, files, follow(files, offsets, h));
}
