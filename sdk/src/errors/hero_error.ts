/**
 * Local errors: what goes wrong inside a process (bad configuration, a socket in use, a timeout).
 * They carry a stable string `code` for programs and a sentence for people; they are turned into
 * wire errors only at the protocol boundary (see `rpc/wire_error.ts`).
 */

/**
 * Options accepted by {@link HeroError}.
 *
 * @example
 * ```ts
 * import { HeroError, type HeroErrorOptions } from "@hero/sdk";
 * const options: HeroErrorOptions = { cause: new Error("ENOENT") };
 * const err = new HeroError("CONFIG_MISSING", "Cannot read hero.toml", options);
 * ```
 */
export interface HeroErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Extra machine-readable details, sent along as JSON-RPC `data` when mapped to the wire. */
  details?: Record<string, unknown>;
}

/**
 * A local error with a stable string code, e.g. `SOCKET_IN_USE`.
 *
 * @example
 * ```ts
 * import { HeroError } from "@hero/sdk";
 * throw new HeroError("NOTE_NOT_FOUND", 'Cannot open note "x": it does not exist');
 * ```
 */
export class HeroError extends Error {
  /** Stable, upper-snake-case identifier of the failure. */
  readonly code: string;
  /** Machine-readable details of the failure. */
  readonly details?: Record<string, unknown>;

  /** Creates an error; `message` should read like `Cannot start "api": port 8080 is in use`. */
  constructor(code: string, message: string, options: HeroErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "HeroError";
    this.code = code;
    this.details = options.details;
  }
}

/**
 * Returns true when `err` is a {@link HeroError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { isHeroError } from "@hero/sdk";
 * try {
 *   JSON.parse("{");
 * } catch (err) {
 *   if (isHeroError(err, "SOCKET_IN_USE")) console.log("another instance is running");
 * }
 * ```
 */
export function isHeroError(err: unknown, code?: string): err is HeroError {
  return err instanceof HeroError && (code === undefined || err.code === code);
}
