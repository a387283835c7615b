/**
 * Terminal output: colour only when stdout is a TTY (and NO_COLOR is unset), aligned tables
 * like `pm2 list`, and human durations and sizes.
 */
import process from "node:process";

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code        ) => (s        ) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Colour helpers (identity when not on a TTY). */
export const color = {
  green: paint(32),
  red: paint(31),
  yellow: paint(33),
  cyan: paint(36),
  dim: paint(2),
  bold: paint(1),
};

/** Colours a state word by meaning. */
export function stateColor(state        )         {
  if (["running", "healthy", "succeeded"].includes(state)) return color.green(state);
  if (["failed", "unhealthy", "timed_out"].includes(state)) return color.red(state);
  if (["stopped", "unknown", "cancelled"].includes(state)) return color.dim(state);
  return color.yellow(state);
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Renders rows as an aligned table with a header. */
export function table(headers          , rows            )         {
  const width = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].replace(ANSI, "").length))
  );
  const line = (cells          ) =>
    cells.map((c, i) => c + " ".repeat(width[i] - c.replace(ANSI, "").length)).join("  ").trimEnd();
  return [color.bold(line(headers)), ...rows.map(line)].join("\n");
}

/** `3s`, `4m`, `2h`, `5d`. */
export function duration(ms        )         {
  if (ms <= 0) return "-";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `12.3mb`-style sizes. */
export function bytes(n        )         {
  if (n <= 0) return "-";
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}kb`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)}mb`;
  return `${(n / 1024 ** 3).toFixed(2)}gb`;
}
