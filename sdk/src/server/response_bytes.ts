/**
 * Responses whose whole body is known up front. Runtime adapters that pay for reading a web
 * body stream (Node) look the bytes up here and write them directly; everyone else just sees
 * an ordinary Response.
 */

const knownBodies = new WeakMap<Response, Uint8Array>();

/** Creates a Response with `bytes` as its body and `content-length` set, remembering the bytes. */
export function bytesResponse(
  bytes: Uint8Array<ArrayBuffer>,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  const headers = { ...init.headers, "content-length": String(bytes.byteLength) };
  const response = new Response(bytes, { status: init.status, headers });
  knownBodies.set(response, bytes);
  return response;
}

/** The bytes a Response was created with by {@link bytesResponse}, if its body is untouched. */
export function knownBodyOf(response: Response): Uint8Array | undefined {
  return response.bodyUsed ? undefined : knownBodies.get(response);
}
