/**
 * Reading a job's output file (written by hero_shim, append-only) from a byte offset into
 * lines, as `tail -f` does: woken by inotify (`fs.watch`) with a slow poll as the safety net,
 * one chunk per turn of the event loop so a flood never starves the rest of the daemon. After
 * each chunk it reports the offset up to which every byte is in an emitted line, which the log
 * store commits with those lines: a new daemon resumes exactly there. It also tells hero_shim
 * how far it has read (`<file>.read`), which the shim uses for backpressure.
 */
import fs from "node:fs";
import type { LineSplitter } from "../logs/capture/line_splitter.ts";

/** Bytes read per turn: what a pipe hands over at once, so other work interleaves as before. */
const CHUNK = 64 * 1024;
/** How often (bytes read) hero_shim hears the read position while a flood is read. */
const ACK_EVERY = 1 << 20;
/** The safety-net poll, ms. */
const POLL_MS = 500;

// One read buffer and one poll timer for every tail: reads are synchronous and the splitter
// copies what it keeps, and a daemon with hundreds of jobs should not hold hundreds of each.
let shared: Buffer | undefined;
const tails = new Set<OutputTail>();
let poll: ReturnType<typeof setInterval> | undefined;

function watchAll(t: OutputTail, on: boolean): void {
  if (on) tails.add(t);
  else tails.delete(t);
  if (tails.size && !poll) {
    poll = setInterval(() => {
      for (const x of tails) x.wake();
    }, POLL_MS);
    poll.unref();
  } else if (!tails.size && poll) {
    clearInterval(poll);
    poll = undefined;
  }
}

/** Follows one output file. */
export class OutputTail {
  readonly file: string;
  readonly #splitter: LineSplitter;
  readonly #onOffset: (offset: number) => void;
  #fd = -1;
  #pos: number;
  #acked = -1;
  #watcher?: fs.FSWatcher;
  #scheduled = false;
  #closed = false;

  /** Starts reading `file` at `offset` (it may not exist yet). */
  constructor(
    file: string,
    offset: number,
    splitter: LineSplitter,
    onOffset: (offset: number) => void,
  ) {
    this.file = file;
    this.#pos = offset;
    this.#splitter = splitter;
    this.#onOffset = onOffset;
    this.#open();
    watchAll(this, true);
    this.#schedule();
  }

  /** Reads what is new (the shared poll, and file change events). */
  wake(): void {
    this.#schedule();
  }

  /** Bytes read so far (the file offset). */
  get position(): number {
    return this.#pos;
  }

  /**
   * Reads to the end of the file (a chunk per turn, like following), emits the last
   * unterminated line, and stops following.
   */
  async finish(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true; // no more scheduled reads: this loop reads the rest
    this.#open();
    while (this.#readOnce() === CHUNK) await new Promise((r) => setImmediate(r));
    this.#splitter.end();
    this.#onOffset(this.#pos);
    this.close();
  }

  /** Stops following (without reading further). */
  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    watchAll(this, false);
    if (this.#fd >= 0) fs.closeSync(this.#fd);
    this.#fd = -1;
  }

  #open(): void {
    if (this.#fd >= 0) return;
    try {
      this.#fd = fs.openSync(this.file, "r");
    } catch {
      return; // not created yet: the poll tries again
    }
    try {
      this.#watcher = fs.watch(this.file, { persistent: false }, () => this.#schedule());
      this.#watcher.on("error", () => {});
    } catch { /* no inotify: the poll does the work */ }
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#closed) return;
      this.#open();
      // A full chunk means there may be more: read on at the next turn.
      if (this.#readOnce() === CHUNK) this.#schedule();
    });
  }

  /** Reads one chunk at the current position; returns the bytes read. */
  #readOnce(): number {
    if (this.#fd < 0) return 0;
    let n: number;
    const buf = shared ??= Buffer.allocUnsafe(CHUNK);
    try {
      n = fs.readSync(this.#fd, buf, 0, CHUNK, this.#pos);
    } catch {
      return 0;
    }
    if (n <= 0) {
      this.#ack();
      return 0;
    }
    this.#pos += n;
    // The splitter copies what it keeps (with Uint8Array#slice: a Buffer's slice would not
    // copy), so the buffer is reused.
    this.#splitter.push(new Uint8Array(buf.buffer, buf.byteOffset, n));
    this.#onOffset(this.#pos - this.#splitter.pending);
    if (n < CHUNK || this.#pos - this.#acked >= ACK_EVERY) this.#ack();
    return n;
  }

  /** Tells hero_shim how far this file is read (it holds the writer back past a backlog). */
  #ack(): void {
    if (this.#acked === this.#pos) return;
    this.#acked = this.#pos;
    try {
      fs.writeFileSync(`${this.file}.read`, String(this.#pos));
    } catch { /* the job's directory is gone: nothing waits for it */ }
  }
}
