/**
 * Restart delays: exponential from `delay_ms` by `backoff` per consecutive restart, capped at
 * `max_delay_ms`, plus up to 20% jitter (still capped) so that crashed services sharing a
 * dependency do not all come back in the same millisecond.
 */
                                                    

/** The delay before restart number `n` (1-based); `random` is injectable for tests. */
export function restartDelay(
  spec             ,
  n        ,
  random               = Math.random,
)         {
  const base = Math.min(spec.max_delay_ms, spec.delay_ms * spec.backoff ** Math.max(0, n - 1));
  return Math.round(Math.min(spec.max_delay_ms, base * (1 + 0.2 * random())));
}
