/**
 * HeroLogger: structured, leveled logging shipped to hero_proc. Sources are dotted prefixes
 * (`embedder.workspace.<id>.job.<id>.fetch`) built with {@link HeroLogger.child}; every child
 * shares one buffer and connection. Logging never blocks and never throws into the service.
 */
import { RpcClient } from "../client/rpc_client.ts";
import { currentRuntime } from "../runtime/current.ts";
import type { Runtime } from "../runtime/types.ts";
import { resolveSocketRoot, serviceSocketPaths } from "../socket/paths.ts";
import { LogShipper, type ShipperStats } from "./log_shipper.ts";
import { LOG_LEVELS, type LogLevel } from "./levels.ts";

export { LOG_LEVELS, type LogLevel };

/**
 * Options of a root logger.
 *
 * @example
 * ```ts
 * import { HeroLogger, type HeroLoggerOptions } from "@hero/sdk";
 * const options: HeroLoggerOptions = { source: "notes", level: "info", echo: console.log };
 * const log = new HeroLogger(options);
 * ```
 */
export interface HeroLoggerOptions {
  /** Root source, usually the service name (e.g. `embedder`). */
  source: string;
  /** Service name stored with each line (default: the first segment of `source`). */
  service?: string;
  /** Lines below this level are ignored (default `debug`). */
  level?: LogLevel;
  /** Lines per batch and lines kept while hero_proc is down (default 500). */
  bufferSize?: number;
  /** Longest wait before lines are sent (default 1000 ms). */
  flushMs?: number;
  /** Also hand each line to this function (e.g. to print it in the foreground). */
  echo?: (line: string) => void;
  /** hero_proc's rpc.sock (default: `<socket root>/hero_proc/rpc.sock`). */
  socketPath?: string;
  /** Socket root used to find hero_proc. */
  socketRoot?: string;
  /** Runtime adapter; detected automatically. */
  runtime?: Runtime;
}

/**
 * Turns any id into a source segment (`a.b` -> `a_b`, empty -> `_`).
 *
 * @example
 * ```ts
 * import { HeroLogger, sourceSegment } from "@hero/sdk";
 * const log = new HeroLogger({ source: "browser" });
 * log.child(sourceSegment("tab.3")).info("opened"); // source "browser.tab_3"
 * ```
 */
export function sourceSegment(value: string | number): string {
  return String(value).replace(/[^A-Za-z0-9_\-:@/]/g, "_").slice(0, 64) || "_";
}

interface Shared {
  shipper: LogShipper;
  client: RpcClient;
  min: number;
  service: string;
  /** hero_proc's job id of this process (HERO_PROC_JOB_ID), so its lines join its output. */
  jobId?: number;
  echo?: (line: string) => void;
}

/**
 * A logger bound to one dotted source.
 *
 * @example
 * ```ts
 * import { HeroLogger } from "@hero/sdk";
 * const log = new HeroLogger({ source: "notes" });
 * log.child("http").info("listening", { socket: "rpc.sock" });
 * await log.close();
 * ```
 */
export class HeroLogger {
  /** The dotted source of this logger's lines. */
  readonly source: string;
  readonly #s: Shared;

  /** A root logger; see {@link HeroLoggerOptions}. */
  constructor(opts: HeroLoggerOptions, shared?: Shared) {
    this.source = opts.source.split(".").map(sourceSegment).join(".");
    if (shared) {
      this.#s = shared;
      return;
    }
    const runtime = opts.runtime ?? currentRuntime();
    const socket = opts.socketPath ?? serviceSocketPaths(
      opts.socketRoot ??
        resolveSocketRoot({ env: (k) => runtime.env(k), homeDir: runtime.homeDir() }),
      "hero_proc",
    ).rpc;
    const client = new RpcClient(socket, { runtime, timeoutMs: 10_000 });
    const service = opts.service ?? this.source.split(".")[0];
    const job = Number(runtime.env("HERO_PROC_JOB_ID"));
    this.#s = {
      client,
      ...(Number.isInteger(job) && job > 0 ? { jobId: job } : {}),
      min: LOG_LEVELS.indexOf(opts.level ?? "debug"),
      service,
      echo: opts.echo,
      shipper: new LogShipper({
        client,
        bufferSize: opts.bufferSize,
        flushMs: opts.flushMs,
        source: this.source,
        service,
      }),
    };
  }

  /** A logger for a sub-source: `logger.child("workspace", id)` logs to `<source>.workspace.<id>`. */
  child(...segments: (string | number)[]): HeroLogger {
    const source = [this.source, ...segments.map(sourceSegment)].join(".");
    return new HeroLogger({ source }, this.#s);
  }

  /** Logs at `trace`. */
  trace(message: string, fields?: Record<string, unknown>): void {
    this.log("trace", message, fields);
  }
  /** Logs at `debug`. */
  debug(message: string, fields?: Record<string, unknown>): void {
    this.log("debug", message, fields);
  }
  /** Logs at `info`. */
  info(message: string, fields?: Record<string, unknown>): void {
    this.log("info", message, fields);
  }
  /** Logs at `warn`. */
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log("warn", message, fields);
  }
  /** Logs at `error`. */
  error(message: string, fields?: Record<string, unknown>): void {
    this.log("error", message, fields);
  }
  /** Logs at `fatal`. */
  fatal(message: string, fields?: Record<string, unknown>): void {
    this.log("fatal", message, fields);
  }

  /** Logs one line; never throws (unserialisable fields are replaced by a note). */
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const n = LOG_LEVELS.indexOf(level);
    if (n < this.#s.min) return;
    let text = typeof message === "string" ? message : String(message);
    if (text.length > 65_536) text = `${text.slice(0, 65_500)}… (truncated)`;
    const line: Parameters<LogShipper["push"]>[0] = {
      ts: Date.now(),
      level: n === -1 ? "info" : level,
      source: this.source,
      service: this.#s.service,
      message: text,
    };
    if (this.#s.jobId !== undefined) line.job_id = this.#s.jobId;
    if (fields && typeof fields === "object" && Object.keys(fields).length) {
      try {
        line.fields = JSON.parse(JSON.stringify(fields));
      } catch (err) {
        line.fields = { unserializable: String((err as Error).message) };
      }
    }
    this.#s.shipper.push(line);
    if (this.#s.echo) {
      try {
        this.#s.echo(`${level.toUpperCase()} ${this.source}: ${text}`);
      } catch { /* a broken echo must not break logging */ }
    }
  }

  /** Sent, dropped and pending counts, and whether hero_proc was reachable last time. */
  get stats(): ShipperStats {
    return this.#s.shipper.stats;
  }

  /** Sends buffered lines now and waits for them. */
  flush(): Promise<void> {
    return this.#s.shipper.flush();
  }

  /** Flushes and releases the connection; later lines are counted as dropped. */
  async close(): Promise<void> {
    await this.#s.shipper.close();
    this.#s.client.close();
  }
}
