/**
 * @hero/sdk/internal — the SDK's building blocks that hero_proc and hero_router share but a
 * service author never needs (dispatch, socket handlers, SSE reading, argument splitting, …).
 * No stability promise: use `@hero/sdk` (mod.ts) in services.
 *
 * @module
 */
export { procNotRunning } from "./src/lifecycle/proc_client.ts";
export { hasDurationUnit } from "./src/time/duration.ts";
