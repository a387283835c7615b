/**
 * JSON-RPC 2.0 over text: parses one request or a batch, runs the calls, and produces the reply
 * text (or nothing, when every message was a notification). All error mapping happens here.
 */
import { type Caller, OWNER_CALLER } from "../caller/caller.ts";
import { RpcErrorCode } from "../errors/rpc_error.ts";
import { toWireError } from "../errors/wire_mapping.ts";
import type { RpcApi } from "../openrpc/api.ts";
import { scanJsonRpcText } from "./json_rpc_scan.ts";
import { requestProblem, responseIdOf, type RpcRequest, type RpcResponse } from "./messages.ts";
import { type TraceParent, traceRpcCall } from "../trace/rpc_trace.ts";

/** Limits applied to a JSON-RPC payload. */
export interface DispatchLimits {
  /** Deepest array/object nesting accepted. */
  maxJsonDepth: number;
  /** Most messages accepted in one batch. */
  maxBatchSize: number;
}

/** Default payload limits. */
export const DEFAULT_DISPATCH_LIMITS: DispatchLimits = { maxJsonDepth: 64, maxBatchSize: 1000 };

/** Sends a notification (`rpc.progress`, `rpc.log`) on the reply stream of one call. */
export type StreamNotify = (method: string, params: Record<string, unknown>) => void;

/** Who a call is for and where its notifications go. */
export interface DispatchOptions {
  /** A streamed reply: reaches the handler of a single request with an id. */
  notify?: StreamNotify;
  /** Who handlers see as `ctx.caller` (default: the owner, as for in-process calls). */
  caller?: Caller;
  /** The request's trace context (see `rpc_trace.ts`): each call then runs as a span of it. */
  trace?: TraceParent;
}

/**
 * Handles the text of one HTTP request body; resolves the reply text or null (no reply).
 * `cancel.signal` is read only by handlers that care, so it can be created lazily. Batches and
 * notifications never stream.
 */
export async function dispatchJsonRpc(
  api: RpcApi,
  text: string,
  cancel: { readonly signal: AbortSignal },
  limits: DispatchLimits = DEFAULT_DISPATCH_LIMITS,
  opts: DispatchOptions = {},
): Promise<string | null> {
  const caller = opts.caller ?? OWNER_CALLER;
  const problem = scanJsonRpcText(text, limits.maxJsonDepth);
  if (problem) {
    const message = problem.kind === "too_deep"
      ? `JSON nesting exceeds ${problem.limit} levels`
      : `Invalid request: the member "${problem.member}" appears twice in one request object`;
    return JSON.stringify(failure(null, RpcErrorCode.InvalidRequest, message));
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return JSON.stringify(failure(null, RpcErrorCode.ParseError, `Parse error: ${why}`));
  }
  if (!Array.isArray(payload)) {
    const reply = await dispatchOne(api, payload, cancel, caller, opts.notify, opts.trace);
    return reply ? serialize(reply) : null;
  }
  if (payload.length === 0) {
    return JSON.stringify(
      failure(null, RpcErrorCode.InvalidRequest, "Invalid request: empty batch"),
    );
  }
  if (payload.length > limits.maxBatchSize) {
    return JSON.stringify(
      failure(
        null,
        RpcErrorCode.InvalidRequest,
        `Invalid request: batch of ${payload.length} exceeds ${limits.maxBatchSize} messages`,
      ),
    );
  }
  const replies = await Promise.all(
    payload.map((msg) => dispatchOne(api, msg, cancel, caller, undefined, opts.trace)),
  );
  const answered = replies.filter((r): r is RpcResponse => r !== null);
  return answered.length ? `[${answered.map(serialize).join(",")}]` : null;
}

async function dispatchOne(
  api: RpcApi,
  msg: unknown,
  cancel: { readonly signal: AbortSignal },
  caller: Caller,
  notify?: StreamNotify,
  trace?: TraceParent,
): Promise<RpcResponse | null> {
  const problem = requestProblem(msg);
  if (problem) {
    return failure(responseIdOf(msg), RpcErrorCode.InvalidRequest, `Invalid request: ${problem}`);
  }
  const req = msg as RpcRequest;
  const isNotification = !("id" in req);
  try {
    const id = req.id;
    const ctx = {
      method: req.method,
      caller,
      get signal() {
        return cancel.signal;
      },
      notify: notify && !isNotification
        ? (method: string, params: Record<string, unknown>) => notify(method, { id, ...params })
        : undefined,
    };
    const result = await traceRpcCall(
      trace,
      req.method,
      id,
      () => api.call(req.method, req.params, ctx),
    );
    return isNotification ? null : { jsonrpc: "2.0", id: req.id ?? null, result };
  } catch (err) {
    return isNotification ? null : { jsonrpc: "2.0", id: req.id ?? null, error: toWireError(err) };
  }
}

/** The reply as JSON; a result JSON cannot carry (a cycle, a BigInt) becomes an internal error. */
function serialize(reply: RpcResponse): string {
  try {
    return JSON.stringify(reply);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return JSON.stringify(
      failure(
        reply.id,
        RpcErrorCode.InternalError,
        `Internal error: the result is not JSON (${why})`,
      ),
    );
  }
}

function failure(id: RpcResponse["id"], code: number, message: string): RpcResponse {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
