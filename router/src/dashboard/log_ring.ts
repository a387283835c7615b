/**
 * The router's recent log lines for the dashboard's "Router logs" page: a bounded ring that
 * wraps the router's logger (every line still goes to stderr) and tells followers about new
 * lines, so the page can show them live.
 */
import type { Logger, LogLevel } from "../log/logger.ts";

/** One recorded line. */
export interface RouterLogLine {
  id: number;
  ts: number;
  level: LogLevel;
  message: string;
}

/** The last `capacity` log lines of the router. */
export class RouterLogRing {
  readonly #capacity: number;
  readonly #lines: RouterLogLine[] = [];
  readonly #followers = new Set<(line: RouterLogLine) => void>();
  #nextId = 1;

  /** Keeps at most `capacity` lines (default 1,000). */
  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  /** A logger that records into this ring and passes every call on to `inner`. */
  wrap(inner: Logger): Logger {
    const at = (level: LogLevel) => (message: string) => {
      inner[level](message);
      this.record(level, message);
    };
    return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  }

  /** Adds a line. */
  record(level: LogLevel, message: string): void {
    const line = { id: this.#nextId++, ts: Date.now(), level, message };
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity) this.#lines.shift();
    for (const f of this.#followers) {
      try {
        f(line);
      } catch { /* a broken follower must not stop logging */ }
    }
  }

  /** Lines with an id above `afterId`, oldest first. */
  since(afterId = 0): RouterLogLine[] {
    return this.#lines.filter((l) => l.id > afterId);
  }

  /** Calls `fn` for every new line; returns the function that stops it. */
  follow(fn: (line: RouterLogLine) => void): () => void {
    this.#followers.add(fn);
    return () => this.#followers.delete(fn);
  }
}
