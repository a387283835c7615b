/** Bounds every Hero server applies to network input, with safe defaults. */

/**
 * Limits for requests reaching a Hero server.
 *
 * @example
 * ```ts
 * import type { ServerLimits } from "@hero/sdk";
 * const bigUploads: Partial<ServerLimits> = { maxBodyBytes: 16 * 1024 * 1024 };
 * // new HeroServer({ name: "files", api, limits: bigUploads })
 * ```
 */
export interface ServerLimits {
  /** Largest request body accepted, in bytes (413 beyond). */
  maxBodyBytes: number;
  /** Largest total size of request headers, in bytes. */
  maxHeaderBytes: number;
  /** Deepest JSON nesting accepted in an RPC body. */
  maxJsonDepth: number;
  /** Most messages in one JSON-RPC batch. */
  maxBatchSize: number;
  /** Time a single RPC request may take, in milliseconds, before it is answered with an error. */
  requestTimeoutMs: number;
}

/**
 * Defaults: 1 MiB bodies, 16 KiB headers, depth 64, batches of 1,000, 30 s per request.
 *
 * @example
 * ```ts
 * import { DEFAULT_SERVER_LIMITS } from "@hero/sdk";
 * DEFAULT_SERVER_LIMITS.maxBodyBytes; // 1048576
 * ```
 */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxJsonDepth: 64,
  maxBatchSize: 1000,
  requestTimeoutMs: 30_000,
});
