/**
 * Calls of outgoing webhooks: each is an HTTP POST made after the post that triggered it has
 * committed, off the poster's path, with a time limit, a bounded answer, no redirects followed,
 * and retries (with growing waits) only for answers that say "try again" (network errors, 429,
 * 5xx). At most a few calls run at once; a full queue refuses more rather than grow.
 */
import { isHeroError } from "@hero/sdk";
import { readStreamBounded } from "@hero/sdk/internal";

/** One call to make. */
export interface OutgoingCall {
  url: string;
  body: string;
  contentType: string;
  /** Called once per attempt with its outcome. */
  onAttempt(result: CallResult): void | Promise<void>;
}

/** The outcome of one attempt. */
export interface CallResult {
  attempt: number;
  /** HTTP status (undefined when no answer came). */
  status?: number;
  /** The answer's JSON, when it was JSON. */
  json?: unknown;
  error?: string;
  durationMs: number;
  /** Whether another attempt follows. */
  retrying: boolean;
}

/** Options of {@link OutgoingCalls}. */
export interface OutgoingCallsOptions {
  /** Time limit of one attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** Wait before the second attempt; each next one waits 4 times longer (default 1 s). */
  backoffMs?: number;
  /** Calls running at once (default 8). */
  concurrency?: number;
  /** Calls waiting at most (default 1000). */
  maxQueued?: number;
  /** Largest answer read (default 64 KiB). */
  maxAnswerBytes?: number;
}

/** The queue of outgoing calls. */
export class OutgoingCalls {
  readonly #opts: Required<OutgoingCallsOptions>;
  readonly #queue: { call: OutgoingCall; attempt: number }[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #stop = new AbortController();
  #running = 0;
  #idle: (() => void)[] = [];
  /** Calls refused because the queue was full. */
  dropped = 0;

  /** A queue with the given limits. */
  constructor(opts: OutgoingCallsOptions = {}) {
    this.#opts = {
      timeoutMs: opts.timeoutMs ?? 10_000,
      attempts: opts.attempts ?? 3,
      backoffMs: opts.backoffMs ?? 1000,
      concurrency: opts.concurrency ?? 8,
      maxQueued: opts.maxQueued ?? 1000,
      maxAnswerBytes: opts.maxAnswerBytes ?? 64 * 1024,
    };
  }

  /** Queues a call; false when the queue is full (the call is not made). */
  enqueue(call: OutgoingCall): boolean {
    if (this.#stop.signal.aborted || this.#queue.length >= this.#opts.maxQueued) {
      this.dropped++;
      return false;
    }
    this.#queue.push({ call, attempt: 1 });
    this.#pump();
    return true;
  }

  /** Resolves once nothing is queued, running or waiting to retry. */
  idle(): Promise<void> {
    if (this.#busy()) return new Promise((resolve) => this.#idle.push(resolve));
    return Promise.resolve();
  }

  /** Aborts running calls and forgets the rest. */
  close(): void {
    this.#stop.abort();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#settle();
  }

  #busy(): boolean {
    return this.#running > 0 || this.#queue.length > 0 || this.#timers.size > 0;
  }

  #settle(): void {
    if (this.#busy()) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #pump(): void {
    while (this.#running < this.#opts.concurrency && this.#queue.length) {
      const job = this.#queue.shift()!;
      this.#running++;
      this.#attempt(job.call, job.attempt).finally(() => {
        this.#running--;
        this.#pump();
        this.#settle();
      });
    }
  }

  async #attempt(call: OutgoingCall, attempt: number): Promise<void> {
    const t0 = performance.now();
    const outcome = await this.#post(call);
    const again = outcome.retryable && attempt < this.#opts.attempts &&
      !this.#stop.signal.aborted;
    await Promise.resolve(call.onAttempt({
      attempt,
      status: outcome.status,
      json: outcome.json,
      error: outcome.error,
      durationMs: Math.round(performance.now() - t0),
      retrying: again,
    })).catch(() => {});
    if (!again) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#queue.push({ call, attempt: attempt + 1 });
      this.#pump();
      this.#settle();
    }, this.#opts.backoffMs * 4 ** (attempt - 1));
    this.#timers.add(timer);
  }

  async #post(call: OutgoingCall): Promise<{
    status?: number;
    json?: unknown;
    error?: string;
    retryable: boolean;
  }> {
    let res: Response;
    try {
      res = await fetch(call.url, {
        method: "POST",
        body: call.body,
        headers: { "content-type": call.contentType, "user-agent": "hero_collab-webhook/0.1" },
        redirect: "manual",
        signal: AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#opts.timeoutMs)]),
      });
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === "TimeoutError";
      return {
        error: timedOut
          ? `No answer within ${this.#opts.timeoutMs} ms`
          : `Cannot reach ${call.url}: ${(e.cause as Error)?.message ?? e.message}`,
        retryable: !this.#stop.signal.aborted,
      };
    }
    const retryable = res.status === 429 || res.status >= 500;
    let text: string;
    try {
      text = res.body
        ? new TextDecoder().decode(await readStreamBounded(res.body, this.#opts.maxAnswerBytes))
        : "";
    } catch (err) {
      return {
        status: res.status,
        error: isHeroError(err, "BODY_TOO_LARGE")
          ? `The answer is over ${this.#opts.maxAnswerBytes} bytes`
          : `The answer broke off: ${(err as Error).message}`,
        retryable,
      };
    }
    if (res.status >= 300) {
      return {
        status: res.status,
        error: `Answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`,
        retryable,
      };
    }
    let json: unknown;
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch {
        // A plain-text answer is a fine acknowledgement; only JSON can carry a reply.
      }
    }
    return { status: res.status, json, retryable: false };
  }
}
