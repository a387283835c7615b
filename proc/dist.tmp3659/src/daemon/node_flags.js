/**
 * V8 flags of the background daemon. A supervisor allocates in short bursts (many spawns, a
 * status poll) and then idles for hours: a small young generation keeps those bursts from
 * leaving 16 MB of semi-space committed for good, and size-optimised code generation costs
 * nothing measurable here. Measured with 100 supervised processes: about 20 MB less RSS.
 * (These are command-line flags: V8 ignores them when set at run time, and NODE_OPTIONS
 * refuses --optimize-for-size; a foreground `serve` can be started with them by hand.)
 */

/** Flags placed before the script when `hero_proc start` spawns the daemon. */
export const DAEMON_NODE_FLAGS                    = [
  "--max-semi-space-size=1",
  "--optimize-for-size",
];
