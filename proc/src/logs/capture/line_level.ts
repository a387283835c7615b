/**
 * The level of a captured output line. A line keeps the level it names, however it names it:
 * a leading word (`INFO`, `[warn]`, `ERROR:root:`, after an optional timestamp), a syslog
 * prefix (`<3>`, as systemd reads with SyslogLevelPrefix), a logfmt or JSON field (`level=warn`,
 * `"level":"error"`, pino's `"level":50`), or an exception line (`TypeError: …`, `Traceback`,
 * `panic:`). An indented line that names none continues the line before it (a stack trace keeps
 * the level of its error). Otherwise stdout is info and stderr is **warn**: stderr is where
 * programs put their diagnostics (progress, warnings, a crash's last words), so those lines stay
 * visible at `--level warn`, without marking every one of them an error.
 */
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";

const LEADING_LEVEL =
  /^\s*(?:\d{4}-\d\d-\d\d[T ][\d:.]+Z?\s+)?[[(<]?(trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit|panic)\b/i;
const SYSLOG = /^<([0-7])>/;
const FIELD = /(?:^|[\s{,])"?(?:level|lvl|severity)"?\s*[=:]\s*"?([A-Za-z]+|\d{2})\b/i;
const EXCEPTION = /^(?:[A-Za-z_][\w.]*(?:Error|Exception)\b:|Traceback \(most recent call last\):)/;

const ALIASES: Record<string, LogLevel> = {
  warning: "warn",
  err: "error",
  critical: "fatal",
  crit: "fatal",
  panic: "fatal",
  notice: "info",
};
const SYSLOG_LEVELS: LogLevel[] = [
  "fatal",
  "fatal",
  "fatal",
  "error",
  "warn",
  "info",
  "info",
  "debug",
];
const NUMERIC: Record<string, LogLevel> = {
  "10": "trace",
  "20": "debug",
  "30": "info",
  "40": "warn",
  "50": "error",
  "60": "fatal",
};
const NAMES = new Set<string>(LOG_LEVELS);

function named(word: string): LogLevel | undefined {
  const w = word.toLowerCase();
  const level = NUMERIC[w] ?? ALIASES[w] ?? w;
  return NAMES.has(level) ? level as LogLevel : undefined;
}

/** The level `line` names, if it names one. */
export function namedLevel(line: string): LogLevel | undefined {
  const head = line.length > 200 ? line.slice(0, 200) : line;
  const syslog = SYSLOG.exec(head);
  if (syslog) return SYSLOG_LEVELS[Number(syslog[1])];
  const lead = LEADING_LEVEL.exec(head);
  if (lead) return named(lead[1]);
  if (EXCEPTION.test(head)) return "error";
  const field = FIELD.exec(head);
  return field ? named(field[1]) : undefined;
}

/**
 * The level of `line` from `stream`; `previous` is the level of the line before it on the same
 * stream, which an indented line without a level of its own continues.
 */
export function lineLevel(
  stream: "stdout" | "stderr",
  line: string,
  previous?: LogLevel,
): LogLevel {
  const own = namedLevel(line);
  if (own) return own;
  if (previous && /^[ \t]/.test(line)) return previous;
  return stream === "stderr" ? "warn" : "info";
}
