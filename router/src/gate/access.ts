/**
 * What access a request needs, derived from what the service itself publishes: a JSON-RPC
 * method marked `readOnlyHint` in its OpenRPC `x-hero-annotations` needs read access, every
 * other method (unannotated included) needs write access. For proxied traffic the HTTP method
 * decides for UI sockets (GET/HEAD read; writes and WebSocket upgrades write), and the JSON-RPC
 * methods inside the body decide for `POST /rpc` on an rpc socket.
 */
import { type OpenRpcDocument, RpcErrorCode, type RpcErrorObject } from "@hero/sdk";
import { scanJsonRpcText } from "@hero/sdk/internal";
import type { WithHeaders } from "../../../ui/session/admin_session.ts";
import type { Access } from "./identity.ts";

/** Deepest JSON nesting the gate parses (the SDK's own default). */
const MAX_DEPTH = 64;

const byDocument = new WeakMap<OpenRpcDocument, Map<string, Access>>();

/** The access a method needs: `read` only when the service marked it read-only. */
export function methodAccess(doc: OpenRpcDocument | undefined, method: string): Access {
  if (method === "rpc.discover") return "read";
  if (!doc) return "write";
  let table = byDocument.get(doc);
  if (!table) {
    table = new Map();
    for (const m of doc.methods ?? []) {
      const hints = m["x-hero-annotations"] as { readOnlyHint?: unknown } | undefined;
      if (typeof m.name === "string") {
        table.set(m.name, hints?.readOnlyHint === true ? "read" : "write");
      }
    }
    byDocument.set(doc, table);
  }
  return table.get(method) ?? "write";
}

/** The verdict on a JSON-RPC body: the methods it calls and the access they need, or why not. */
export type RpcBodyVerdict =
  | { ok: true; access: Access; methods: string[] }
  | { ok: false; error: RpcErrorObject };

/**
 * Reads a JSON-RPC body (single or batch) the way the SDK does and returns the strongest access
 * its methods need. Bodies that a service might read differently (duplicate members, too deep,
 * not JSON, a method that is not a string) are refused here rather than guessed at.
 */
export function rpcBodyAccess(text: string, doc: OpenRpcDocument | undefined): RpcBodyVerdict {
  const problem = scanJsonRpcText(text, MAX_DEPTH);
  if (problem) {
    return refuse(
      RpcErrorCode.InvalidRequest,
      problem.kind === "too_deep"
        ? `JSON nesting exceeds ${problem.limit} levels`
        : `Invalid request: the member "${problem.member}" appears twice in one request object`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (err) {
    return refuse(RpcErrorCode.ParseError, `Parse error: ${(err as Error).message}`);
  }
  const messages = Array.isArray(payload) ? payload : [payload];
  const methods: string[] = [];
  let access: Access = "read";
  for (const msg of messages) {
    const method = (msg as { method?: unknown } | null)?.method;
    if (typeof method !== "string") {
      return refuse(RpcErrorCode.InvalidRequest, 'Invalid request: "method" must be a string');
    }
    methods.push(method);
    if (methodAccess(doc, method) === "write") access = "write";
  }
  return { ok: true, access, methods };
}

/** The access a proxied request needs before its body is looked at (undefined: read the body). */
export function proxyAccess(
  request: WithHeaders & { readonly method: string },
  target: { webname: string; rest: string },
): Access | undefined {
  const m = request.method;
  if (request.headers.get("upgrade")) return "write";
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") return "read";
  if (target.webname === "rpc" && m === "POST" && pathOf(target.rest) === "/rpc") return undefined;
  return "write";
}

function pathOf(rest: string): string {
  const q = rest.indexOf("?");
  return q < 0 ? rest : rest.slice(0, q);
}

function refuse(code: number, message: string): RpcBodyVerdict {
  return { ok: false, error: { code, message } };
}
