/**
 * The log levels, in a module with no imports: hero_proc's indexing worker and capture load it
 * (as `@hero/sdk/levels`) without loading the rest of the SDK.
 */

/**
 * Log levels, lowest first (hero_proc stores each as its index).
 *
 * @example
 * ```ts
 * import { LOG_LEVELS } from "@hero/sdk";
 * LOG_LEVELS.indexOf("warn") > LOG_LEVELS.indexOf("info"); // true
 * ```
 */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/**
 * One of {@link LOG_LEVELS}.
 *
 * @example
 * ```ts
 * import type { LogLevel } from "@hero/sdk";
 * const level: LogLevel = "warn";
 * ```
 */
export type LogLevel = (typeof LOG_LEVELS)[number];
