/**
 * The proxy's request counts and latency histogram as plain numbers: the hot path adds to a
 * counter and a `Float64Array` bucket per request (no label lookup, no prom-client call, about
 * 30 ns), and prom-client receives the totals at scrape time, through the `collect()` callbacks
 * of a Counter and a Histogram declared as before. The text a scrape returns is the same as
 * when every request went through prom-client (names, labels, buckets, series order, sums).
 */
import type { Counter, Histogram } from "prom-client";

/** One (service, status) count. */
interface CodeCount {
  service: string;
  code: number;
  n: number;
}

/** The requests of one service: counts by status and the latency histogram. */
export class ProxySeries {
  /** Requests per bucket, not cumulative; the last slot counts those above every bound. */
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;
  readonly #bounds: readonly number[];
  readonly #codes = new Map<number, CodeCount>();
  readonly #all: CodeCount[];
  #last: CodeCount;

  /** A series of `service`; its status counts join `all` in order of first appearance. */
  constructor(readonly service: string, bounds: readonly number[], all: CodeCount[]) {
    this.#bounds = bounds;
    this.buckets = new Float64Array(bounds.length + 1);
    this.#all = all;
    this.#last = { service, code: -1, n: 0 };
  }

  /** Counts one request with `status` that took `seconds`. */
  add(status: number, seconds: number): void {
    let c = this.#last;
    if (c.code !== status) {
      c = this.#codes.get(status) ?? this.#open(status);
      this.#last = c;
    }
    c.n++;
    this.count++;
    this.sum += seconds;
    // prom-client's rule: a value goes to the first bucket whose bound is at least as large.
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]) i++;
    this.buckets[i]++;
  }

  #open(status: number): CodeCount {
    const c = { service: this.service, code: status, n: 0 };
    this.#codes.set(status, c);
    this.#all.push(c);
    return c;
  }
}

/** Every service's series, and their hand-over to prom-client. */
export class ProxyTally {
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, ProxySeries>();
  /** (service, status) counts in the order they first occurred, as prom-client listed them. */
  readonly #codes: CodeCount[] = [];

  /** A tally with the histogram's bucket bounds (seconds, ascending). */
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
  }

  /** The series of `service`, if it has one. */
  get(service: string): ProxySeries | undefined {
    return this.#series.get(service);
  }

  /** The series of `service`, made if new. */
  open(service: string): ProxySeries {
    let s = this.#series.get(service);
    if (!s) {
      s = new ProxySeries(service, this.#bounds, this.#codes);
      this.#series.set(service, s);
    }
    return s;
  }

  /** Sets `counter` (labels service, code) to the counts (its `collect()`). */
  toCounter(counter: Counter<"service" | "code">): void {
    counter.reset();
    for (const c of this.#codes) counter.labels(c.service, String(c.code)).inc(c.n);
  }

  /** Sets `histogram` (label service) to the buckets, sums and counts (its `collect()`). */
  toHistogram(histogram: Histogram<"service">): void {
    histogram.reset();
    // prom-client has no public way to set a histogram's buckets: `zero` makes each series'
    // entry, and its fields (non-cumulative counts per bound, sum, count) are filled here.
    const entries = (histogram as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap;
    for (const s of this.#series.values()) {
      histogram.zero({ service: s.service });
    }
    for (const e of Object.values(entries)) {
      const s = this.#series.get(String(e.labels.service));
      if (!s) continue;
      for (let i = 0; i < this.#bounds.length; i++) e.bucketValues[this.#bounds[i]] = s.buckets[i];
      e.sum = s.sum;
      e.count = s.count;
    }
  }
}

/** prom-client's per-series histogram record. */
interface HistogramEntry {
  labels: Record<string, string | number>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}
