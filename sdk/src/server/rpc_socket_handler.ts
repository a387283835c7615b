/**
 * The request handler behind `rpc.sock`: `POST /rpc`, `GET /openrpc.json`, `GET /health` and
 * the discovery manifest. It never serves HTML.
 */
import { ANONYMOUS_CALLER, type Caller, CALLER_HEADER, OWNER_CALLER } from "../caller/caller.ts";
import { isHeroError } from "../errors/hero_error.ts";
import { RpcErrorCode } from "../errors/rpc_error.ts";
import type { RpcApi } from "../openrpc/api.ts";
import { Deadline } from "../rpc/deadline.ts";
import { dispatchJsonRpc } from "../rpc/dispatcher.ts";
import type { ConnectionInfo, FetchHandler } from "../runtime/types.ts";
import type { ServerLimits } from "./limits.ts";
import {
  type HealthCheck,
  type HealthReport,
  jsonBytesResponse,
  type ServiceManifest,
} from "./manifest.ts";
import { readBodyText } from "./read_body.ts";
import { bytesResponse } from "../runtime/response_bytes.ts";
import { NDJSON, ReplyStream, wantsStream } from "./reply_stream.ts";
import { requestTraceContext } from "../trace/rpc_trace.ts";

/** What the rpc socket handler serves. */
export interface RpcSocketOptions {
  api: RpcApi;
  manifest: ServiceManifest;
  limits: ServerLimits;
  startedAt: number;
  health?: HealthCheck;
  /** Aborted when the server shuts down, cancelling calls still running. */
  shutdownSignal?: AbortSignal;
}

/** Builds the `Request -> Response` handler of `rpc.sock`. */
export function createRpcSocketHandler(opts: RpcSocketOptions): FetchHandler {
  const discovery = JSON.stringify(opts.api.document);
  const manifest = JSON.stringify(opts.manifest);
  // One listener for the whole server rather than one per call.
  const inFlight = new Set<Deadline>();
  opts.shutdownSignal?.addEventListener("abort", () => {
    for (const d of inFlight) d.abort("cancelled");
  }, { once: true });
  return async (request, info) => {
    const pathname = pathOf(request.url);
    if (pathname === "/rpc") {
      if (request.method !== "POST") return methodNotAllowed("POST");
      if (!isJsonContentType(request.headers.get("content-type"))) return unsupportedMediaType();
      return await handleRpc(
        request,
        opts,
        inFlight,
        info.caller ?? unresolvedCaller(request, info),
      );
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return jsonBytesResponse({ error: `${request.method} is not allowed on ${pathname}` }, 405, {
        allow: "GET, HEAD",
      });
    }
    switch (pathname) {
      case "/openrpc.json":
        return rawJson(discovery);
      case "/.well-known/heroservice.json":
        return rawJson(manifest);
      case "/health":
        return jsonBytesResponse(await healthReport(opts));
    }
    return jsonBytesResponse(
      { error: `Not found: ${pathname}. This is an RPC socket: POST /rpc, GET /openrpc.json` },
      404,
    );
  };
}

/** Runs the health check and builds the `/health` document. */
export async function healthReport(
  opts: Pick<RpcSocketOptions, "health" | "manifest" | "startedAt">,
): Promise<HealthReport> {
  let state: Awaited<ReturnType<HealthCheck>> = { status: "ok" };
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
    ...(state.detail ? { detail: state.detail } : {}),
  };
}

/**
 * The caller when no HeroServer resolved one: the owner for a plain Unix-socket client, nobody
 * otherwise (an assertion nobody verified is not believed).
 */
function unresolvedCaller(request: Request, info: ConnectionInfo): Caller {
  const plain = !request.headers.has(CALLER_HEADER) && !request.headers.has("x-forwarded-for");
  return info.transport === "unix" && plain ? OWNER_CALLER : ANONYMOUS_CALLER;
}

async function handleRpc(
  request: Request,
  opts: RpcSocketOptions,
  inFlight: Set<Deadline>,
  caller: Caller,
): Promise<Response> {
  let text: string;
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
  let finish!: (reply: string | null | typeof ABORTED) => void;
  const done = new Promise<string | null | typeof ABORTED>((resolve) => (finish = resolve));
  // The caller going away cancels the work too (nobody would read the reply); the link to
  // request.signal is made only if the handler actually looks at its signal.
  const deadline = new Deadline(opts.limits.requestTimeoutMs, {
    parents: () => [request.signal],
    onAbort: () => finish(ABORTED),
  });
  inFlight.add(deadline);
  const stream = wantsStream(request) ? new ReplyStream() : undefined;
  // A streamed reply watches the connection from the start: its caller is waiting for news.
  if (stream) void deadline.signal;
  const trace = requestTraceContext(request.headers);
  dispatchJsonRpc(opts.api, text, deadline, opts.limits, {
    notify: stream?.notify,
    caller,
    trace,
  }).then(
    finish,
    () => finish(ABORTED),
  );
  const settle = async (): Promise<string | null> => {
    const reply = await done;
    deadline.clear();
    inFlight.delete(deadline);
    if (reply !== ABORTED) return reply;
    const timedOut = deadline.reason === "timeout";
    return JSON.stringify({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: timedOut ? RpcErrorCode.RequestTimeout : RpcErrorCode.RequestCancelled,
        message: timedOut
          ? `Request timed out after ${opts.limits.requestTimeoutMs} ms`
          : "Request cancelled: the server is stopping",
      },
    });
  };
  if (stream) {
    settle().then((reply) => stream.end(reply));
    return new Response(stream.readable, {
      headers: { "content-type": NDJSON, "cache-control": "no-store" },
    });
  }
  const reply = await settle();
  if (reply === null) return new Response(null, { status: 204 });
  if (deadline.reason !== undefined) {
    return bytesResponse(encoder.encode(reply), {
      status: deadline.reason === "timeout" ? 504 : 503,
      headers: JSON_HEADERS,
    });
  }
  return rawJson(reply);
}

const ABORTED = Symbol("aborted");

/**
 * Whether a `Content-Type` is `application/json` (parameters such as charset allowed). Only this
 * type makes a browser send a CORS preflight, so no web page can post to a Hero socket unasked.
 */
export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const semi = value.indexOf(";");
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase() === "application/json";
}

function unsupportedMediaType(): Response {
  return jsonBytesResponse(
    {
      jsonrpc: "2.0",
      id: null,
      error: {
        code: RpcErrorCode.InvalidRequest,
        message: "Unsupported Media Type: POST /rpc needs Content-Type: application/json",
      },
    },
    415,
    { accept: "application/json" },
  );
}

/** The path of an absolute URL, without building a URL object (this runs on every request). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

const encoder = new TextEncoder();
const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON response with a known length, which adapters can send in a single write. */
function rawJson(text: string): Response {
  return bytesResponse(encoder.encode(text), { headers: JSON_HEADERS });
}

function rpcError(code: number, message: string, status: number): Response {
  return jsonBytesResponse({ jsonrpc: "2.0", id: null, error: { code, message } }, status);
}

function methodNotAllowed(allow: string): Response {
  return jsonBytesResponse({ error: `Use ${allow} on /rpc` }, 405, { allow });
}
