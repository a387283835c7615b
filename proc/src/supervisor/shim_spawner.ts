/**
 * The client of `hero_shim --spawner` (see proc/native/hero_shim.c): one small helper process
 * per daemon that forks every job's shim, so a job start never forks hero_proc itself. Forking
 * copies the parent's page tables: ~3 ms from a 55 MB process, ~34 ms from 350 MB (measured
 * with `child_process.spawn` of hero_shim), paid on every start and restart. The helper reaps
 * the shims it started and reports each end, so the daemon learns at once that a job is over.
 * It exits when the daemon goes (end of its stdin); the shims go on without it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/** A shim started through the spawner. */
export interface SpawnedShim {
  shimPid: number;
  /** The job's process (forked by the shim). */
  pid: number;
  /**
   * Resolves `"ended"` once the shim has ended (reaped by the spawner), or `"unwatched"` when
   * the spawner is gone before that (the caller watches the shim itself from then on).
   */
  ended: Promise<"ended" | "unwatched">;
}

interface Pending {
  shimPid?: number;
  pid?: number;
  resolve: (s: SpawnedShim) => void;
  reject: (e: Error) => void;
}

/** Starts shims through one `hero_shim --spawner` process (started on first use). */
export class ShimSpawner {
  readonly #binary: string;
  #child?: ChildProcess;
  #pending = new Map<string, Pending>();
  #ends = new Map<number, (how: "ended" | "unwatched") => void>();
  #endPromises = new Map<number, Promise<"ended" | "unwatched">>();
  #nextId = 1;
  #text = "";
  #closed = false;

  /** `binary` is the hero_shim executable. */
  constructor(binary: string) {
    this.#binary = binary;
  }

  /** The spawner's pid, once it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts a shim with `args` (its command line after the program name) in `cwd` with `env`. */
  spawn(args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<SpawnedShim> {
    if (this.#closed) return Promise.reject(new Error("hero_shim spawner is closed"));
    const child = this.#ensure();
    const id = String(this.#nextId++);
    const env = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
    const strings = [id, path.resolve(opts.cwd), String(args.length), String(env.length)];
    const body = Buffer.from([...strings, ...args, ...env].join("\0") + "\0");
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ref();
      child.stdin!.write(Buffer.concat([head, body]));
    });
  }

  /** Ends the spawner (the shims it started keep running). */
  close(): void {
    this.#closed = true;
    this.#child?.stdin?.end();
    this.#lost(new Error("hero_shim spawner is closed"));
  }

  #ensure(): ChildProcess {
    if (this.#child) return this.#child;
    const child = spawn(this.#binary, ["--spawner"], {
      detached: true,
      stdio: ["pipe", "pipe", "ignore"],
      // The spawner needs nothing of the daemon's environment: each request carries the job's.
      env: {},
    });
    this.#child = child;
    child.stdout!.setEncoding("latin1");
    child.stdout!.on("data", (c: string) => this.#read(c));
    child.stdin!.on("error", () => {});
    child.once("error", (err) => this.#gone(child, err));
    child.once(
      "exit",
      (code, signal) =>
        this.#gone(child, new Error(`hero_shim spawner ended (${signal ?? `exit code ${code}`})`)),
    );
    child.unref();
    this.#unref();
    return child;
  }

  #read(chunk: string): void {
    this.#text += chunk;
    let nl: number;
    while ((nl = this.#text.indexOf("\n")) >= 0) {
      const line = this.#text.slice(0, nl);
      this.#text = this.#text.slice(nl + 1);
      this.#line(line.split(" "));
    }
  }

  #line([a, b, c]: string[]): void {
    if (a === "x") {
      const pid = Number(b);
      for (const [id, p] of this.#pending) {
        if (p.shimPid === pid) {
          this.#settle(id);
          p.reject(new Error("hero_shim ended before it started the job's process"));
        }
      }
      this.#ends.get(pid)?.("ended");
      this.#ends.delete(pid);
      this.#endPromises.delete(pid);
      return;
    }
    const p = this.#pending.get(a);
    if (!p) return;
    if (b === "e") {
      this.#settle(a);
      p.reject(new Error(`hero_shim could not be started (errno ${c})`));
      return;
    }
    if (b === "s") {
      p.shimPid = Number(c);
      this.#endPromises.set(
        p.shimPid,
        new Promise((r) => this.#ends.set(p.shimPid!, r)),
      );
    } else if (b === "p") p.pid = Number(c);
    if (p.shimPid !== undefined && p.pid !== undefined) {
      this.#settle(a);
      p.resolve({ shimPid: p.shimPid, pid: p.pid, ended: this.#endPromises.get(p.shimPid)! });
    }
  }

  #settle(id: string): void {
    this.#pending.delete(id);
    if (!this.#pending.size) this.#unref();
  }

  /** The spawner died (or failed to start): pending starts fail, running shims are unwatched. */
  #gone(child: ChildProcess, err: Error): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#text = "";
    this.#lost(err);
  }

  #lost(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    for (const end of this.#ends.values()) end("unwatched");
    this.#ends.clear();
    this.#endPromises.clear();
  }

  // While a start waits for its answer, the pipe keeps the process alive; otherwise it must not.
  #ref(): void {
    (this.#child?.stdout as unknown as { ref?: () => void })?.ref?.();
  }

  #unref(): void {
    (this.#child?.stdout as unknown as { unref?: () => void })?.unref?.();
    (this.#child?.stdin as unknown as { unref?: () => void })?.unref?.();
  }
}
