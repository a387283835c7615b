/**
 * V8 flags of the background daemon. A supervisor allocates in short bursts (many spawns, a
 * status poll) and then idles for hours: a small young generation keeps those bursts from
 * leaving 16 MB of semi-space committed for good, and size-optimised code generation costs
 * nothing measurable here. Measured with 100 supervised processes: about 20 MB less RSS.
 *
 * TurboFan waits for code that is really hot (100,000 instead of 3,000 invocations' worth):
 * loading the daemon's ~250 modules alone ran path and URL helpers hot enough to be optimised,
 * and the first TurboFan compile pages in about 5 MB of compiler code that then stays resident
 * for the daemon's whole life. Sustained work (log ingestion, status polls) still gets there;
 * measured: logs.insert throughput unchanged, start and restart latency unchanged.
 *
 * No V8 background threads (`--single-threaded`: garbage collection and compilation run on the
 * main thread): each such thread keeps its own malloc arena and stack, and a supervisor's heap is
 * small enough (~10 MB) for its collections to be short. Measured on 2 cores: about 1 MB less
 * idle RSS and 7 MB less with 100 processes; start of 100 services and restart latency no worse
 * (slightly better: no threads competing for the cores), bulk logs.insert within ~5%.
 * (These are command-line flags: V8 ignores them when set at run time, and NODE_OPTIONS
 * refuses --optimize-for-size; a foreground `serve` can be started with them by hand.)
 */

/** Flags placed before the script when `hero_proc start` spawns the daemon. */
export const DAEMON_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=1",
  "--optimize-for-size",
  "--invocation-count-for-turbofan=100000",
  "--single-threaded",
];
