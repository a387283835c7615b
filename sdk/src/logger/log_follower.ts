/**
 * Following hero_proc's logs from any service or tool: streams `GET /logs/follow` (SSE) from
 * hero_proc's admin.sock and yields each line as it is stored; after a dropped connection it
 * resumes from the last line seen, so nothing is skipped or repeated.
 */
import { HeroError } from "../errors/hero_error.ts";
import { currentRuntime } from "../runtime/current.ts";
import type { Runtime } from "../runtime/types.ts";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.ts";
import { readSse } from "./sse_reader.ts";
import type { LogLevel } from "./hero_logger.ts";

/**
 * A stored line as hero_proc returns it.
 *
 * @example
 * ```ts
 * import { followLogs, type LogRecord } from "@hero/sdk";
 * const show = (line: LogRecord) => `${new Date(line.ts).toISOString()} ${line.source} ${line.message}`;
 * for await (const line of followLogs({ source: "notes" })) console.log(show(line));
 * ```
 */
export interface LogRecord {
  /** The line's id, increasing in the order hero_proc stored lines. */
  id: number;
  /** When the line was written, in milliseconds since the epoch. */
  ts: number;
  /** Its level. */
  level: LogLevel;
  /** Dotted source, e.g. `notes.http`. */
  source: string;
  /** The service that wrote it, if any. */
  service: string | null;
  /** The hero_proc job that wrote it, if any. */
  job_id: number | null;
  /** The text of the line. */
  message: string;
  /** Structured fields logged with it. */
  fields?: Record<string, unknown>;
}

/**
 * What to follow.
 *
 * @example
 * ```ts
 * import { followLogs, type FollowOptions } from "@hero/sdk";
 * const options: FollowOptions = { source: "notes.*", backlog: 20 };
 * for await (const line of followLogs(options)) console.log(line.message);
 * ```
 */
export interface FollowOptions {
  /** Source prefix (`*` = one segment). */
  source?: string;
  /** Only lines at this level or worse. */
  level?: LogLevel;
  /** Only lines of this hero_proc job. */
  jobId?: number;
  /** Only lines containing this text. */
  text?: string;
  /** Start with the last N matching lines. */
  backlog?: number;
  /** Resume after this line id. */
  afterId?: number;
  /** Stops following. */
  signal?: AbortSignal;
  /** hero_proc's admin.sock (default under the socket root). */
  socketPath?: string;
  /** Socket root (default from the environment). */
  socketRoot?: string;
  /** Give up after this many failed connection attempts in a row (default 5, 0 = never). */
  maxRetries?: number;
  /** Runtime adapter; detected automatically. */
  runtime?: Runtime;
}

/**
 * Yields matching lines as hero_proc stores them, until `signal` aborts.
 *
 * @example
 * ```ts
 * import { followLogs } from "@hero/sdk";
 * const stop = new AbortController();
 * for await (const line of followLogs({ source: "notes", level: "warn", signal: stop.signal })) {
 *   console.log(line.level, line.message);
 * }
 * ```
 */
export async function* followLogs(opts: FollowOptions = {}): AsyncGenerator<LogRecord> {
  const runtime = opts.runtime ?? currentRuntime();
  if (!runtime.streamRequest) {
    throw new HeroError(
      "UNSUPPORTED",
      `Following logs needs streaming requests, which the ${runtime.name} adapter lacks`,
    );
  }
  const socketPath = opts.socketPath ?? serviceSocketPaths(
    opts.socketRoot ??
      resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() }),
    "hero_proc",
  ).admin;
  let after = opts.afterId;
  let failures = 0;
  const maxRetries = opts.maxRetries ?? 5;
  while (!opts.signal?.aborted) {
    const q = new URLSearchParams();
    if (opts.source) q.set("source", opts.source);
    if (opts.level) q.set("level", opts.level);
    if (opts.jobId !== undefined) q.set("job_id", String(opts.jobId));
    if (opts.text) q.set("text", opts.text);
    if (after !== undefined) q.set("after_id", String(after));
    else if (opts.backlog) q.set("backlog", String(opts.backlog));
    let res;
    try {
      res = await runtime.streamRequest({ socketPath }, {
        method: "GET",
        path: `/logs/follow?${q}`,
        headers: { accept: "text/event-stream" },
        signal: opts.signal,
      });
    } catch (err) {
      if (opts.signal?.aborted) return;
      if (maxRetries && ++failures >= maxRetries) {
        throw new HeroError(
          "CONNECTION_FAILED",
          `Cannot follow logs: hero_proc is not reachable at ${socketPath}`,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (res.status !== 200) {
      const text = await new Response(res.body).text();
      throw new HeroError(
        "BAD_REQUEST",
        `Cannot follow logs: ${text.trim() || `HTTP ${res.status}`}`,
      );
    }
    failures = 0;
    try {
      for await (const ev of readSse(res.body)) {
        if (ev.event === "ready") {
          after ??= (JSON.parse(ev.data) as { last_id: number }).last_id;
          continue;
        }
        if (ev.event !== "message") continue;
        const rec = JSON.parse(ev.data) as LogRecord;
        after = rec.id;
        yield rec;
      }
    } catch (err) {
      if (opts.signal?.aborted) return;
      void err; // connection dropped: reconnect and resume after the last line seen
    }
  }
}
