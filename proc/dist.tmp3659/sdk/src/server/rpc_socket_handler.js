/**
 * The request handler behind `rpc.sock`: `POST /rpc`, `GET /openrpc.json`, `GET /health` and
 * the discovery manifest. It never serves HTML.
 */
import { isHeroError } from "../errors/hero_error.js";
import { RpcErrorCode } from "../errors/rpc_error.js";
                                                
import { Deadline } from "../rpc/deadline.js";
import { dispatchJsonRpc } from "../rpc/dispatcher.js";
                                                        
                                                
import {
                   
                    
  jsonResponse,
                       
} from "./manifest.js";
import { readBodyText } from "./read_body.js";

/** What the rpc socket handler serves. */
                                   
              
                            
                       
                    
                       
                                                                            
                              
 

/** Builds the `Request -> Response` handler of `rpc.sock`. */
export function createRpcSocketHandler(opts                  )               {
  const discovery = JSON.stringify(opts.api.document);
  const manifest = JSON.stringify(opts.manifest);
  return async (request) => {
    const pathname = pathOf(request.url);
    if (pathname === "/rpc") {
      if (request.method !== "POST") return methodNotAllowed("POST");
      return await handleRpc(request, opts);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return jsonResponse({ error: `${request.method} is not allowed on ${pathname}` }, 405, {
        allow: "GET, HEAD",
      });
    }
    switch (pathname) {
      case "/openrpc.json":
        return rawJson(discovery);
      case "/.well-known/heroservice.json":
        return rawJson(manifest);
      case "/health":
        return jsonResponse(await healthReport(opts));
    }
    return jsonResponse(
      { error: `Not found: ${pathname}. This is an RPC socket: POST /rpc, GET /openrpc.json` },
      404,
    );
  };
}

/** Runs the health check and builds the `/health` document. */
export async function healthReport(
  opts                                                             ,
)                        {
  let state                                   = { status: "ok" };
  if (opts.health) {
    try {
      state = await opts.health();
    } catch (err) {
      state = { status: "down", reason: err instanceof Error ? err.message : String(err) };
    }
  }
  return {
    status: state.status,
    service: opts.manifest.name,
    version: opts.manifest.version,
    uptime_s: Math.floor((Date.now() - opts.startedAt) / 1000),
    ...(state.reason ? { reason: state.reason } : {}),
  };
}

async function handleRpc(request         , opts                  )                    {
  let text        ;
  try {
    text = await readBodyText(request, opts.limits.maxBodyBytes);
  } catch (err) {
    if (isHeroError(err, "BODY_TOO_LARGE")) {
      return rpcError(RpcErrorCode.RequestTooLarge, err.message, 413);
    }
    return rpcError(
      RpcErrorCode.ParseError,
      "Parse error: the request body could not be read",
      400,
    );
  }
  const deadline = new Deadline(opts.limits.requestTimeoutMs, opts.shutdownSignal);
  const work = dispatchJsonRpc(opts.api, text, deadline.signal, opts.limits);
  const reply = await Promise.race([work, aborted(deadline.signal)]);
  deadline.clear();
  if (reply === ABORTED) {
    const timedOut = deadline.reason === "timeout";
    return rpcError(
      timedOut ? RpcErrorCode.RequestTimeout : RpcErrorCode.RequestCancelled,
      timedOut
        ? `Request timed out after ${opts.limits.requestTimeoutMs} ms`
        : "Request cancelled: the server is stopping",
      timedOut ? 504 : 503,
    );
  }
  return reply === null ? new Response(null, { status: 204 }) : rawJson(reply);
}

const ABORTED = Symbol("aborted");

/** The path of an absolute URL, without building a URL object (this runs on every request). */
export function pathOf(url        )         {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

function aborted(signal             )                          {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(ABORTED);
    else signal.addEventListener("abort", () => resolve(ABORTED), { once: true });
  });
}

const encoder = new TextEncoder();

/** A JSON response with a known length, which adapters can send in a single write. */
function rawJson(text        )           {
  const bytes = encoder.encode(text);
  return new Response(bytes, {
    headers: { "content-type": "application/json", "content-length": String(bytes.byteLength) },
  });
}

function rpcError(code        , message        , status        )           {
  return jsonResponse({ jsonrpc: "2.0", id: null, error: { code, message } }, status);
}

function methodNotAllowed(allow        )           {
  return jsonResponse({ error: `Use ${allow} on /rpc` }, 405, { allow });
}
