/**
 * hero_collab's local errors (a `HeroError` with a string code) and the one mapping to the wire
 * codes its RPC API documents.
 */
import { HeroError, RpcError, RpcErrorCode } from "@hero/sdk";

/** Application error codes on the wire. */
export const CollabWireCode = {
  Forbidden: 4003,
  NotFound: 4004,
  Conflict: 4009,
  TooLarge: 4013,
  RateLimited: 4029,
  Unavailable: 4503,
} as const;

/** The local error codes. */
export type CollabErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_PARAMS"
  | "FORBIDDEN"
  | "TOO_LARGE"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

/** A local error; `message` reads like `Cannot post in #general: the channel is archived`. */
export function collabError(
  code: CollabErrorCode,
  message: string,
  details?: Record<string, unknown>,
): HeroError {
  return new HeroError(code, message, { details });
}

const WIRE: Record<string, number> = {
  NOT_FOUND: CollabWireCode.NotFound,
  CONFLICT: CollabWireCode.Conflict,
  FORBIDDEN: CollabWireCode.Forbidden,
  TOO_LARGE: CollabWireCode.TooLarge,
  RATE_LIMITED: CollabWireCode.RateLimited,
  UNAVAILABLE: CollabWireCode.Unavailable,
  INVALID_PARAMS: RpcErrorCode.InvalidParams,
};

/** Turns a local error into the RPC error the API documents; other errors pass unchanged. */
export function toRpcError(err: unknown): unknown {
  if (err instanceof HeroError && err.code in WIRE) {
    return new RpcError(WIRE[err.code], err.message, { code: err.code, ...err.details });
  }
  return err;
}

/** The wire errors most methods document. */
export const ERRORS = {
  notFound: { code: CollabWireCode.NotFound, message: "Not found" },
  forbidden: { code: CollabWireCode.Forbidden, message: "Not allowed for this caller" },
  conflict: { code: CollabWireCode.Conflict, message: "Already exists or changed meanwhile" },
  tooLarge: { code: CollabWireCode.TooLarge, message: "Over a size limit" },
  rateLimited: { code: CollabWireCode.RateLimited, message: "Too many requests; retry later" },
} as const;
