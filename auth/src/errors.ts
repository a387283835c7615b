/**
 * hero_auth's local errors (a `HeroError` with a string code) and the one mapping to the wire
 * codes its RPC API documents.
 */
import { HeroError, RpcError, RpcErrorCode } from "@hero/sdk";

/** Application error codes on the wire. */
export const AuthWireCode = { NotFound: 4004, Conflict: 4009, Forbidden: 4003 } as const;

/** Thrown by the stores: `NOT_FOUND`, `CONFLICT`, `INVALID_PARAMS` or `FORBIDDEN`. */
export function authError(
  code: "NOT_FOUND" | "CONFLICT" | "INVALID_PARAMS" | "FORBIDDEN",
  message: string,
  details?: Record<string, unknown>,
): HeroError {
  return new HeroError(code, message, { details });
}

const WIRE: Record<string, number> = {
  NOT_FOUND: AuthWireCode.NotFound,
  CONFLICT: AuthWireCode.Conflict,
  FORBIDDEN: AuthWireCode.Forbidden,
  INVALID_PARAMS: RpcErrorCode.InvalidParams,
};

/** Turns a store error into the RPC error the API documents; other errors pass unchanged. */
export function toRpcError(err: unknown): unknown {
  if (err instanceof HeroError && err.code in WIRE) {
    return new RpcError(WIRE[err.code], err.message, err.details);
  }
  return err;
}
