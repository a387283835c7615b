/**
 * Reading a job's output file (written by hero_shim, append-only) from a byte offset into
 * lines, as `tail -f` does: woken by inotify (`fs.watch`) with a slow poll as the safety net,
 * one chunk per turn of the event loop so a flood never starves the rest of the daemon. After
 * each chunk it reports the offset up to which every byte is in an emitted line, which the log
 * store commits with those lines: a new daemon resumes exactly there.
 */
import fs from "node:fs";
import type { LineSplitter } from "./line_splitter.ts";

/** Bytes read per turn: what a pipe hands over at once, so other work interleaves as before. */
const CHUNK = 64 * 1024;
/** The safety-net poll, ms. */
const POLL_MS = 500;

/** Follows one output file. */
export class OutputTail {
  readonly file: string;
  readonly #splitter: LineSplitter;
  readonly #onOffset: (offset: number) => void;
  readonly #buf = Buffer.allocUnsafe(CHUNK);
  #fd = -1;
  #pos: number;
  #watcher?: fs.FSWatcher;
  #timer?: ReturnType<typeof setInterval>;
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
    this.#timer = setInterval(() => this.#schedule(), POLL_MS);
    this.#timer.unref();
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
    clearInterval(this.#timer);
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
    try {
      n = fs.readSync(this.#fd, this.#buf, 0, CHUNK, this.#pos);
    } catch {
      return 0;
    }
    if (n <= 0) return 0;
    this.#pos += n;
    // The splitter copies what it keeps (with Uint8Array#slice: a Buffer's slice would not
    // copy), so the buffer is reused.
    this.#splitter.push(new Uint8Array(this.#buf.buffer, this.#buf.byteOffset, n));
    this.#onOffset(this.#pos - this.#splitter.pending);
    return n;
  }
}
