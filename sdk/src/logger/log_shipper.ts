/**
 * Ships log lines to hero_proc's `logs.insert` in batches: a buffer of 500 lines, sent when
 * full or one second after its first line, several batches in flight when busy. It never
 * blocks and never throws into the service: while hero_proc is unreachable the buffer keeps
 * the newest 500 lines, counts older ones as dropped, retries when new lines come, and on
 * reconnecting sends one "N lines dropped" line. Idle, it holds no timer (a finished process
 * exits at once; one with lines pending exits after their last flush).
 */
import { HeroError } from "../errors/hero_error.ts";
import type { RpcClient } from "../client/rpc_client.ts";

/** A line as `logs.insert` takes it. */
export interface ShippedLine {
  ts: number;
  level: string;
  source: string;
  service?: string;
  job_id?: number;
  message: string;
  fields?: Record<string, unknown>;
}

/** Options of {@link LogShipper}. */
export interface LogShipperOptions {
  client: RpcClient;
  /** Lines per batch, and lines kept while hero_proc is unreachable (default 500). */
  bufferSize?: number;
  /** Longest wait before buffered lines are sent (default 1000 ms). */
  flushMs?: number;
  /** Batches sent concurrently (default 4). */
  maxInFlight?: number;
  /** Source of the "N lines dropped" line. */
  source: string;
  service?: string;
}

/**
 * Counters of a shipper.
 *
 * @example
 * ```ts
 * import { HeroLogger, type ShipperStats } from "@hero/sdk";
 * const stats: ShipperStats = new HeroLogger({ source: "notes" }).stats;
 * if (stats.dropped > 0) console.error(`${stats.dropped} log lines dropped`);
 * ```
 */
export interface ShipperStats {
  /** Lines hero_proc accepted. */
  sent: number;
  /** Lines dropped because the queue was full or hero_proc refused them. */
  dropped: number;
  /** Lines waiting to be sent. */
  pending: number;
  /** Whether the last send reached hero_proc. */
  connected: boolean;
}

/** The batching sender shared by a logger and its children. */
export class LogShipper {
  readonly #opts: Required<Omit<LogShipperOptions, "service">> & { service?: string };
  #pending: ShippedLine[] = [];
  #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connected = true;
  #sent = 0;
  #dropped = 0;
  #droppedUnreported = 0;
  #closed = false;
  /** Batches that carry a "N lines dropped" line, with its N (to restore it if the batch fails). */
  readonly #reports = new WeakMap<ShippedLine[], number>();

  /** Creates a shipper; nothing is sent until lines are pushed. */
  constructor(opts: LogShipperOptions) {
    this.#opts = {
      ...opts,
      bufferSize: opts.bufferSize ?? 500,
      flushMs: opts.flushMs ?? 1000,
      maxInFlight: opts.maxInFlight ?? 4,
    };
  }

  /** Counters. */
  get stats(): ShipperStats {
    return {
      sent: this.#sent,
      dropped: this.#dropped,
      pending: this.#pending.length,
      connected: this.#connected,
    };
  }

  /** Queues one line; never blocks, never throws. */
  push(line: ShippedLine): void {
    const { bufferSize, maxInFlight } = this.#opts;
    if (this.#closed) return void this.#dropped++;
    if (!this.#connected && this.#pending.length >= bufferSize) {
      // Down: keep the newest lines, they say most about the present.
      this.#pending.shift();
      this.#dropped++;
      this.#droppedUnreported++;
    } else if (this.#pending.length >= bufferSize * maxInFlight * 2) {
      this.#dropped++;
      this.#droppedUnreported++;
      return;
    }
    this.#pending.push(line);
    if (this.#pending.length >= bufferSize && this.#connected) this.#pump();
    else {this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, this.#opts.flushMs);}
  }

  /** Sends everything buffered and waits for it (or for the failure). */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      this.#pump();
      if (!this.#inFlight.size) break;
      await Promise.all(this.#inFlight);
      if (!this.#connected) break;
    }
  }

  /** Flushes, then refuses further lines (counted as dropped). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    this.#closed = true;
    if (this.#pending.length) {
      this.#dropped += this.#pending.length;
      this.#pending = [];
    }
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (
      (this.#pending.length || (this.#connected && this.#droppedUnreported)) &&
      this.#inFlight.size < this.#opts.maxInFlight
    ) {
      if (!this.#connected && this.#inFlight.size) return; // one probe at a time while down
      const batch = this.#pending.splice(0, this.#opts.bufferSize);
      if (this.#connected && this.#droppedUnreported) {
        batch.push({
          ts: Date.now(),
          level: "warn",
          source: this.#opts.source,
          ...(this.#opts.service ? { service: this.#opts.service } : {}),
          message:
            `${this.#droppedUnreported} log lines dropped (hero_proc unreachable or too slow)`,
          fields: { dropped: this.#droppedUnreported },
        });
        this.#reports.set(batch, this.#droppedUnreported);
        this.#droppedUnreported = 0;
      }
      const p: Promise<void> = this.#send(batch).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    }
  }

  async #send(batch: ShippedLine[]): Promise<void> {
    try {
      const r = await this.#opts.client.call<{ accepted: number; dropped: number }>(
        "logs.insert",
        { lines: batch },
        { timeoutMs: 10_000 },
      );
      this.#sent += r.accepted;
      this.#dropped += r.dropped;
      const wasDown = !this.#connected;
      this.#connected = true;
      if (wasDown || this.#droppedUnreported || this.#pending.length >= this.#opts.bufferSize) {
        this.#pump();
      } else if (this.#pending.length) {
        this.#timer ??= setTimeout(() => this.#pump(), this.#opts.flushMs);
      }
    } catch (err) {
      const unreachable = err instanceof HeroError &&
        (err.code === "CONNECTION_FAILED" || err.code === "TIMEOUT");
      if (unreachable) {
        this.#connected = false;
        const reported = this.#reports.get(batch);
        if (reported !== undefined) (batch.pop(), (this.#droppedUnreported += reported));
        // Keep the newest lines (up to one buffer) for the next attempt; count the rest.
        const keep = Math.max(0, this.#opts.bufferSize - this.#pending.length);
        const back = keep ? batch.slice(-keep) : [];
        const lost = batch.length - back.length;
        this.#dropped += lost;
        this.#droppedUnreported += lost;
        this.#pending = [...back, ...this.#pending].slice(-this.#opts.bufferSize);
      } else {
        // hero_proc refused the batch (low disk, invalid line): never retry it, never throw.
        this.#dropped += batch.length;
      }
    }
  }
}
