/**
 * JSON-RPC 2.0 over text: parses one request or a batch, runs the calls, and produces the reply
 * text (or nothing, when every message was a notification). All error mapping happens here.
 */
import { RpcErrorCode } from "../errors/rpc_error.js";
import { toWireError } from "../errors/wire_mapping.js";
                                                
import { jsonDepthExceeds } from "./json_depth.js";
import { requestProblem, responseIdOf,                                   } from "./messages.js";

/** Limits applied to a JSON-RPC payload. */
                                 
                                               
                       
                                             
                       
 

/** Default payload limits. */
export const DEFAULT_DISPATCH_LIMITS                 = { maxJsonDepth: 64, maxBatchSize: 1000 };

/** Handles the text of one HTTP request body; resolves the reply text or null (no reply). */
export async function dispatchJsonRpc(
  api        ,
  text        ,
  signal             ,
  limits                 = DEFAULT_DISPATCH_LIMITS,
)                         {
  if (jsonDepthExceeds(text, limits.maxJsonDepth)) {
    return JSON.stringify(
      failure(
        null,
        RpcErrorCode.InvalidRequest,
        `JSON nesting exceeds ${limits.maxJsonDepth} levels`,
      ),
    );
  }
  let payload         ;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return JSON.stringify(failure(null, RpcErrorCode.ParseError, `Parse error: ${why}`));
  }
  if (!Array.isArray(payload)) {
    const reply = await dispatchOne(api, payload, signal);
    return reply ? JSON.stringify(reply) : null;
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
  const replies = await Promise.all(payload.map((msg) => dispatchOne(api, msg, signal)));
  const answered = replies.filter((r)                   => r !== null);
  return answered.length ? JSON.stringify(answered) : null;
}

async function dispatchOne(
  api        ,
  msg         ,
  signal             ,
)                              {
  const problem = requestProblem(msg);
  if (problem) {
    return failure(responseIdOf(msg), RpcErrorCode.InvalidRequest, `Invalid request: ${problem}`);
  }
  const req = msg              ;
  const isNotification = !("id" in req);
  try {
    const result = await api.call(req.method, req.params, { method: req.method, signal });
    return isNotification ? null : { jsonrpc: "2.0", id: req.id ?? null, result };
  } catch (err) {
    return isNotification ? null : { jsonrpc: "2.0", id: req.id ?? null, error: toWireError(err) };
  }
}

function failure(id                   , code        , message        )              {
  return { jsonrpc: "2.0", id, error: { code, message } };
}
