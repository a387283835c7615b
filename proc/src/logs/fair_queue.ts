/**
 * A queue per key with fair taking: each take gives every key an equal share of the budget
 * (water filling: what a quiet key does not use goes to the busy ones), so one flooding source
 * can only delay its own lines. Heads advance instead of shifting arrays.
 */

interface KeyQueue<T> {
  items: T[];
  head: number;
}

/** Per-key FIFO queues taken from fairly. */
export class FairQueue<T> {
  readonly #queues = new Map<string, KeyQueue<T>>();
  #size = 0;

  /** Items waiting, all keys together. */
  get size(): number {
    return this.#size;
  }

  /** Appends one item under `key`. */
  push(key: string, item: T): void {
    const q = this.#queues.get(key);
    if (q) q.items.push(item);
    else this.#queues.set(key, { items: [item], head: 0 });
    this.#size++;
  }

  /** Takes up to `budget` items, an equal share from every key, oldest first within a key. */
  take(budget: number): T[] {
    const out: T[] = [];
    let open = [...this.#queues.entries()];
    while (budget > 0 && open.length) {
      const share = Math.max(1, Math.floor(budget / open.length));
      const next: typeof open = [];
      for (const [key, q] of open) {
        const n = Math.min(share, q.items.length - q.head, budget);
        for (let i = 0; i < n; i++) out.push(q.items[q.head + i]);
        q.head += n;
        budget -= n;
        if (q.head === q.items.length) this.#queues.delete(key);
        else {
          if (q.head > 65_536) (q.items = q.items.slice(q.head)), (q.head = 0);
          next.push([key, q]);
        }
        if (budget <= 0) break;
      }
      open = next;
    }
    this.#size -= out.length;
    return out;
  }
}
