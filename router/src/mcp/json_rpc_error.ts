/** The JSON-RPC error responses the gateway answers itself (before any MCP server sees a request). */

/** A JSON-RPC error body with an HTTP status (and optional extra headers). */
export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, {
    status,
    headers,
  });
}
