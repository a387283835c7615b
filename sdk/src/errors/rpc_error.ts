/**
 * Wire errors: JSON-RPC 2.0 error objects (`code`, `message`, `data`). A method throws an
 * {@link RpcError} to answer with a specific code; a client receives one for every error reply.
 */

/**
 * The JSON-RPC 2.0 standard error codes, plus the implementation-defined ones Hero uses.
 *
 * @example
 * ```ts
 * import { RpcError, RpcErrorCode } from "@hero/sdk";
 * throw new RpcError(RpcErrorCode.InvalidParams, 'Invalid params: "id" must be positive');
 * ```
 */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Server-defined: the request took longer than the server allows. */
  RequestTimeout: -32001,
  /** Server-defined: the request was cancelled (client went away or server is stopping). */
  RequestCancelled: -32002,
  /** Server-defined: the request body is larger than the server accepts. */
  RequestTooLarge: -32003,
  /** Server-defined: the caller is known but may not call this method (e.g. a read-only token). */
  Forbidden: -32004,
} as const;

/**
 * The JSON shape of an error member of a JSON-RPC response.
 *
 * @example
 * ```ts
 * import { RpcError, type RpcErrorObject } from "@hero/sdk";
 * const wire: RpcErrorObject = new RpcError(4004, "Note 7 not found").toJSON();
 * ```
 */
export interface RpcErrorObject {
  /** The error code (see {@link RpcErrorCode}; application codes are the service's own). */
  code: number;
  /** A one-line description for people. */
  message: string;
  /** Structured detail, for programs. */
  data?: unknown;
}

/**
 * A JSON-RPC error, thrown by methods and raised by clients.
 *
 * @example
 * ```ts
 * import { RpcError } from "@hero/sdk";
 * throw new RpcError(4004, "Note 7 not found", { id: 7 });
 * ```
 */
export class RpcError extends Error {
  /** JSON-RPC error code (standard codes are negative, see {@link RpcErrorCode}). */
  readonly code: number;
  /** Optional structured data sent with the error. */
  readonly data?: unknown;

  /** Creates a wire error with a code, a message and optional data. */
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }

  /** The plain JSON object sent on the wire. */
  toJSON(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}
