/**
 * Accepted lines in memory: each gets its id on arrival, captured blocks become text chunks and
 * single lines gather in a rows chunk, and per-source counts add up until the next commit takes
 * everything at once. Queries read these chunks too, so a line is readable from the moment it
 * is accepted.
 */
import type { Chunk, Row } from "./log_chunks.ts";
import type { LogBlock } from "../capture/log_sink.ts";

/** Most text in one rows chunk. */
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** Per-source counts since the last commit (added to `log_sources`). */
export interface SourceDelta {
  n: number;
  last: number;
  dropped: number;
  /** Bytes of text accepted. */
  bytes: number;
}

/** What a commit takes. */
export interface IntakeBatch {
  chunks: Chunk[];
  sources: Map<string, SourceDelta>;
  lines: number;
  /** Output file offsets reached, by `<job id>:<stream>`. */
  offsets: Map<string, number>;
  /** Jobs whose offsets are no longer needed. */
  forget: number[];
}

/** The in-memory side of the log store. */
export class LineIntake {
  readonly #maxRows: number;
  #chunks: Chunk[] = [];
  #open: Row[] | null = null;
  #openBytes = 0;
  #sources = new Map<string, SourceDelta>();
  #offsets = new Map<string, number>();
  #forget: number[] = [];
  #lines = 0;
  #nextId: number;
  #accepted = 0;

  /** Ids continue from `nextId`; a rows chunk holds at most `maxRows` lines. */
  constructor(nextId: number, maxRows: number) {
    this.#nextId = nextId;
    this.#maxRows = maxRows;
  }

  /** The id the next accepted line gets. */
  get nextId(): number {
    return this.#nextId;
  }

  /** Lines in memory. */
  get lines(): number {
    return this.#lines;
  }

  /** Lines accepted since the store opened. */
  get accepted(): number {
    return this.#accepted;
  }

  /** The chunks in memory, oldest first (the last may still grow). */
  get chunks(): readonly Chunk[] {
    return this.#chunks;
  }

  /** Output file offsets reached since the last commit. */
  get offsets(): ReadonlyMap<string, number> {
    return this.#offsets;
  }

  /** Records that a job's output file is read (into accepted or dropped lines) up to `offset`. */
  mark(jobId: number, stream: string, offset: number): void {
    this.#offsets.set(`${jobId}:${stream}`, offset);
  }

  /** Jobs whose offsets go at the next commit. */
  get forgotten(): readonly number[] {
    return this.#forget;
  }

  /** Drops the offsets of jobs whose output is committed and whose files are gone. */
  forget(jobIds: readonly number[]): void {
    for (const id of jobIds) {
      this.#offsets.delete(`${id}:stdout`);
      this.#offsets.delete(`${id}:stderr`);
      this.#forget.push(id);
    }
  }

  /** Per-source counts since the last commit. */
  get sources(): ReadonlyMap<string, SourceDelta> {
    return this.#sources;
  }

  /** Accepts one line. */
  addRow(row: Row): void {
    if (!this.#open) {
      this.#open = [];
      this.#chunks.push({
        firstId: this.#nextId,
        lines: 0,
        kind: "rows",
        ts: row[0],
        tsMax: row[0],
        arrived: Date.now(),
        source: null,
        jobId: null,
        stream: null,
        body: this.#open,
      });
    }
    this.#open.push(row);
    const bytes = row[5].length + (row[6]?.length ?? 0);
    this.#openBytes += bytes;
    const c = this.#chunks[this.#chunks.length - 1];
    c.lines++;
    if (row[0] < c.ts) c.ts = row[0];
    else if (row[0] > c.tsMax) c.tsMax = row[0];
    // Bounded in bytes too, so the indexer never has to parse a huge chunk at once.
    if (this.#open.length >= this.#maxRows || this.#openBytes >= MAX_CHUNK_BYTES) {
      this.#open = null;
      this.#openBytes = 0;
    }
    this.#count(row[2], 1, row[0], bytes);
  }

  /** Accepts the first `lines` lines of a captured block, whose bytes are `body`. */
  addBlock(b: LogBlock, lines: number, body: Uint8Array): void {
    this.#open = null; // ids stay consecutive within every chunk
    this.#openBytes = 0;
    this.#chunks.push({
      firstId: this.#nextId,
      lines,
      kind: "text",
      ts: b.ts,
      tsMax: b.ts,
      arrived: Date.now(),
      source: b.source,
      jobId: b.jobId,
      stream: b.stream,
      body,
    });
    this.#count(b.source, lines, b.ts, body.length - lines);
  }

  /** Counts lines of `source` refused by flood control (shown by `logs.tree`). */
  countDropped(source: string, n: number): void {
    const d = this.#sources.get(source);
    if (d) d.dropped += n;
    else this.#sources.set(source, { n: 0, last: 0, dropped: n, bytes: 0 });
  }

  /** Hands everything over (for a commit) and starts empty. */
  take(): IntakeBatch {
    const batch = {
      chunks: this.#chunks,
      sources: this.#sources,
      lines: this.#lines,
      offsets: this.#offsets,
      forget: this.#forget,
    };
    this.#offsets = new Map();
    this.#forget = [];
    this.#chunks = [];
    this.#open = null;
    this.#openBytes = 0;
    this.#sources = new Map();
    this.#lines = 0;
    return batch;
  }

  #count(source: string, n: number, ts: number, bytes: number): void {
    this.#nextId += n;
    this.#accepted += n;
    this.#lines += n;
    const d = this.#sources.get(source);
    if (d) (d.n += n), (d.last = Math.max(d.last, ts)), (d.bytes += bytes);
    else this.#sources.set(source, { n, last: ts, dropped: 0, bytes });
  }
}
