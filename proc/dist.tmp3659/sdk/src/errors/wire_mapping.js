/**
 * The one place where local errors become wire errors. Everything a method throws passes through
 * {@link toWireError} before it reaches a client, so no stack traces or internals leak.
 */
import { HeroError } from "./hero_error.js";
import { RpcError, RpcErrorCode,                     } from "./rpc_error.js";

/** Local error codes that have a natural JSON-RPC counterpart. */
const LOCAL_TO_WIRE                         = {
  INVALID_PARAMS: RpcErrorCode.InvalidParams,
  VALIDATION_FAILED: RpcErrorCode.InvalidParams,
  TIMEOUT: RpcErrorCode.RequestTimeout,
  CANCELLED: RpcErrorCode.RequestCancelled,
};

/** Maps any thrown value to a JSON-RPC error object. */
export function toWireError(err         )                 {
  if (err instanceof RpcError) return err.toJSON();
  if (err instanceof HeroError) {
    const code = LOCAL_TO_WIRE[err.code] ?? RpcErrorCode.InternalError;
    return { code, message: err.message, data: { code: err.code, ...err.details } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: RpcErrorCode.InternalError, message: `Internal error: ${message}` };
}

/** Turns a JSON-RPC error object received from a server back into an {@link RpcError}. */
export function fromWireError(obj                )           {
  return new RpcError(obj.code, obj.message, obj.data);
}
