/**
 * The level of a captured output line. Many programs (hero_router among them) write every log
 * line to stderr with its level in front; such a line keeps its own level instead of being
 * filed as an error just because of the stream it came on.
 */

/** Log levels, lowest first. */
export type LineLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

const LEADING_LEVEL =
  /^\s*(?:\d{4}-\d\d-\d\d[T ][\d:.]+Z?\s+)?[[(<]?(trace|debug|info|warn|warning|error|err|fatal|critical)\b/i;

const ALIASES: Record<string, LineLevel> = { warning: "warn", err: "error", critical: "fatal" };

/** The level named at the start of `line`, else info for stdout and error for stderr. */
export function lineLevel(stream: "stdout" | "stderr", line: string): LineLevel {
  const m = LEADING_LEVEL.exec(line.length > 200 ? line.slice(0, 200) : line);
  if (m) {
    const word = m[1].toLowerCase();
    return ALIASES[word] ?? (word as LineLevel);
  }
  return stream === "stderr" ? "error" : "info";
}
