/**
 * The one place where local errors become wire errors. Everything a method throws passes through
 * {@link toWireError} before it reaches a client, so no stack traces or internals leak.
 */
import { HeroError } from "./hero_error.ts";
import { RpcError, RpcErrorCode, type RpcErrorObject } from "./rpc_error.ts";

/** Local error codes that have a natural JSON-RPC counterpart. */
const LOCAL_TO_WIRE: Record<string, number> = {
  INVALID_PARAMS: RpcErrorCode.InvalidParams,
  VALIDATION_FAILED: RpcErrorCode.InvalidParams,
  TIMEOUT: RpcErrorCode.RequestTimeout,
  CANCELLED: RpcErrorCode.RequestCancelled,
};

/** Maps any thrown value to a JSON-RPC error object. */
export function toWireError(err: unknown): RpcErrorObject {
  if (err instanceof RpcError) return err.toJSON();
  if (err instanceof HeroError) {
    const code = LOCAL_TO_WIRE[err.code] ?? RpcErrorCode.InternalError;
    return { code, message: err.message, data: { code: err.code, ...err.details } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: RpcErrorCode.InternalError, message: `Internal error: ${message}` };
}

/** Turns a JSON-RPC error object received from a server back into an {@link RpcError}. */
export function fromWireError(obj: RpcErrorObject): RpcError {
  return new RpcError(obj.code, obj.message, obj.data);
}

/**
 * A method handler wrapped by {@link errorMapper}.
 *
 * @example
 * ```ts
 * import { errorMapper, type MappedHandler } from "@hero/sdk";
 * const mapErrors = errorMapper({ NOTE_NOT_FOUND: 4004 });
 * const get: MappedHandler<[{ id: number }], string> = mapErrors((p: { id: number }) => `note ${p.id}`);
 * ```
 */
export type MappedHandler<A extends unknown[], R> = (...args: A) => Promise<R>;

/**
 * Makes the wrapper a service puts around its method handlers so its own {@link HeroError}
 * codes reach clients as its own JSON-RPC codes (`codes`: local code to wire code, declared once
 * per service); other HeroErrors are mapped by {@link toWireError}, anything else is left to the
 * dispatcher.
 *
 * @example
 * ```ts
 * import { errorMapper, HeroError } from "@hero/sdk";
 * const mapErrors = errorMapper({ NOTE_NOT_FOUND: -32010 });
 * const get = mapErrors((p: { id: string }) => {
 *   throw new HeroError("NOTE_NOT_FOUND", `No note "${p.id}"`);
 * });
 * // get({ id: "x" }) rejects with RpcError { code: -32010, data: { code: "NOTE_NOT_FOUND" } }
 * ```
 */
export function errorMapper(
  codes: Readonly<Record<string, number>>,
): <A extends unknown[], R>(fn: (...args: A) => R | Promise<R>) => MappedHandler<A, R> {
  return (fn) => async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (!(err instanceof HeroError)) throw err;
      const own = codes[err.code];
      if (own !== undefined) {
        throw new RpcError(own, err.message, { code: err.code, ...err.details });
      }
      const wire = toWireError(err);
      throw new RpcError(wire.code, wire.message, wire.data);
    }
  };
}
