/**
 * Reading a JSON POST body under a size bound, with the HTTP answers MCP expects for bad bodies:
 * 415 for a non-JSON media type, 413 when too large (declared or observed), 400 / -32700 when
 * the bytes are not JSON.
 */
import { isJsonContentType } from "@modelcontextprotocol/server";
import { isHeroError } from "@hero/sdk";
import { readBodyText } from "@hero/sdk/internal";
import { jsonRpcError } from "./json_rpc_error.ts";

/** Reads and parses a JSON POST body within `limit` bytes, or the error response to send. */
export async function readJsonBody(
  request: Request,
  limit: number,
): Promise<{ value: unknown } | Response> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return jsonRpcError(
      415,
      -32000,
      "Unsupported Media Type: Content-Type must be application/json",
    );
  }
  let text: string;
  try {
    text = await readBodyText(request, limit);
  } catch (err) {
    if (isHeroError(err, "BODY_TOO_LARGE")) {
      return jsonRpcError(413, -32000, `Request body exceeds ${limit} bytes`);
    }
    throw err;
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON");
  }
}
