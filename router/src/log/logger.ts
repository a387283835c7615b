/**
 * The router's own log lines: one line per event on stderr, `LEVEL message`, so that operators
 * (and tests) can see which bind source was chosen, which services came and went, and why.
 */

/** Log levels the router uses. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A minimal leveled logger. */
export interface Logger {
  /** Logs a debug line (shown only when the level is debug). */
  debug(message: string): void;
  /** Logs an INFO line. */
  info(message: string): void;
  /** Logs a WARN line. */
  warn(message: string): void;
  /** Logs an ERROR line. */
  error(message: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger writing `LEVEL message` lines through `write` (stderr by default). */
export function createLogger(
  opts: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger {
  const min = ORDER[opts.level ?? "info"];
  const encoder = new TextEncoder();
  const write = opts.write ??
    ((line: string) => Deno.stderr.writeSync(encoder.encode(line + "\n")));
  const at = (level: LogLevel) => (message: string) => {
    if (ORDER[level] >= min) write(`${level.toUpperCase()} hero_router: ${message}`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** A logger that drops everything (tests, one-shot commands). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
