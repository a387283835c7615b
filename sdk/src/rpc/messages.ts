/** JSON-RPC 2.0 message shapes and the checks that tell a valid request from an invalid one. */
import type { RpcErrorObject } from "../errors/rpc_error.ts";

/** A request id: string, number or null (fractional numbers are discouraged but allowed). */
export type RpcId = string | number | null;

/** A JSON-RPC request or notification (a notification has no `id` member). */
export interface RpcRequest {
  jsonrpc: "2.0";
  method: string;
  params?: unknown[] | Record<string, unknown>;
  id?: RpcId;
}

/** A successful response. */
export interface RpcSuccess {
  jsonrpc: "2.0";
  id: RpcId;
  result: unknown;
}

/** An error response. */
export interface RpcFailure {
  jsonrpc: "2.0";
  id: RpcId;
  error: RpcErrorObject;
}

/** Either kind of response. */
export type RpcResponse = RpcSuccess | RpcFailure;

/** Returns why `msg` is not a valid request object, or undefined if it is one. */
export function requestProblem(msg: unknown): string | undefined {
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    return "a request must be a JSON object";
  }
  const m = msg as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return 'the "jsonrpc" member must be exactly "2.0"';
  if (typeof m.method !== "string" || m.method.length === 0) {
    return 'the "method" member must be a non-empty string';
  }
  if ("id" in m && !isValidId(m.id)) return 'the "id" member must be a string, a number or null';
  if ("params" in m && (m.params === null || typeof m.params !== "object")) {
    return 'the "params" member must be an array or an object';
  }
  return undefined;
}

/** The id to answer with: the request's own id when it is usable, otherwise null. */
export function responseIdOf(msg: unknown): RpcId {
  if (msg && typeof msg === "object" && "id" in msg) {
    const id = (msg as { id: unknown }).id;
    if (isValidId(id)) return id as RpcId;
  }
  return null;
}

function isValidId(id: unknown): boolean {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}
