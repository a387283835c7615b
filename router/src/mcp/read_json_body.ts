/**
 * Reading a JSON POST body under a size bound, with the HTTP answers MCP expects for bad bodies:
 * 415 for a non-JSON media type, 413 when too large (declared or observed), 400 / -32700 when
 * the bytes are not JSON.
 */
import { isJsonContentType } from "@modelcontextprotocol/server";
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
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return jsonRpcError(413, -32000, `Request body exceeds ${limit} bytes`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return jsonRpcError(413, -32000, `Request body exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON");
  }
}
