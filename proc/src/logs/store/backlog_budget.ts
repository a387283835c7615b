/**
 * The budget of bytes waiting for the indexer. Waiting chunks live in the database and count
 * against its size cap, so what may wait is bounded; when the budget is spent, only the
 * sources that hold a large share of it lose new lines (counted as `queue_full`), so a flood
 * can never crowd a quiet service out.
 */

interface Entry {
  source: string;
  bytes: number;
  lastId: number;
}

/** Waiting bytes, in total and per source. */
export class BacklogBudget {
  readonly limit: number;
  #total = 0;
  readonly #bySource = new Map<string, number>();
  #entries: Entry[] = [];
  #head = 0;

  /** `limitBytes`: most bytes waiting (a source holding under an eighth of it is always let in). */
  constructor(limitBytes: number) {
    this.limit = limitBytes;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#total;
  }

  /** True if `bytes` more of `source` may wait. */
  admits(source: string, bytes: number): boolean {
    if (this.#total + bytes <= this.limit) return true;
    return (this.#bySource.get(source) ?? 0) + bytes <= this.limit / 8;
  }

  /** Records accepted lines of `source` whose last id is `lastId`. */
  add(source: string, bytes: number, lastId: number): void {
    this.#total += bytes;
    this.#bySource.set(source, (this.#bySource.get(source) ?? 0) + bytes);
    const last = this.#entries[this.#entries.length - 1];
    if (last && this.#entries.length > this.#head && last.source === source) {
      last.bytes += bytes;
      last.lastId = lastId;
    } else this.#entries.push({ source, bytes, lastId });
  }

  /** Lines up to id `upTo` are indexed (or gone): their bytes no longer wait. */
  release(upTo: number): void {
    while (this.#head < this.#entries.length && this.#entries[this.#head].lastId <= upTo) {
      const e = this.#entries[this.#head++];
      this.#total -= e.bytes;
      const left = (this.#bySource.get(e.source) ?? 0) - e.bytes;
      if (left > 0) this.#bySource.set(e.source, left);
      else this.#bySource.delete(e.source);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}
