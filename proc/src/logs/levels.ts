/**
 * Log levels and their stored numbers, in a module with no imports so the indexing worker can
 * load it without the SDK.
 */

/** Log levels, lowest first; stored as their index. */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/** One of {@link LEVELS}. */
export type Level = (typeof LEVELS)[number];
