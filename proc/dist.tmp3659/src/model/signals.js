/**
 * Signal names accepted in service definitions and by `service.kill`. Only the signals that make
 * sense to send to a process group are allowed, so a typo fails at definition time.
 */

/** Signals that may be used as a stop signal or sent with `kill`. */
export const ALLOWED_SIGNALS                    = [
  "SIGTERM",
  "SIGINT",
  "SIGQUIT",
  "SIGHUP",
  "SIGKILL",
  "SIGUSR1",
  "SIGUSR2",
  "SIGWINCH",
  "SIGCONT",
  "SIGSTOP",
];

/** Normalises `TERM`/`sigterm` to `SIGTERM`; returns undefined for an unknown signal. */
export function normalizeSignal(value         )                     {
  if (typeof value !== "string") return undefined;
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith("SIG") ? upper : `SIG${upper}`;
  return ALLOWED_SIGNALS.includes(name) ? name : undefined;
}
