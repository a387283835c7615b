/**
 * Wraps a browser-facing handler (admin or web socket): adds the `ui` discovery manifest and
 * refuses `POST /rpc`, so the admin surface can never be mistaken for the RPC one.
 */
import type { FetchHandler } from "../runtime/types.ts";
import { jsonBytesResponse, type ServiceManifest } from "./manifest.ts";
import { bytesResponse } from "../runtime/response_bytes.ts";

const encoder = new TextEncoder();

/** Builds the handler of an admin or web socket around the service's own handler. */
export function createUiSocketHandler(
  handler: FetchHandler,
  manifest: ServiceManifest,
): FetchHandler {
  const manifestText = JSON.stringify(manifest);
  return (request, info) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/.well-known/heroservice.json" && request.method === "GET") {
      return Promise.resolve(
        bytesResponse(encoder.encode(manifestText), {
          headers: { "content-type": "application/json" },
        }),
      );
    }
    if (pathname === "/rpc" && request.method === "POST") {
      return Promise.resolve(
        jsonBytesResponse(
          { error: `JSON-RPC is not served on the ${manifest.socket} socket; use rpc.sock` },
          405,
        ),
      );
    }
    return handler(request, info);
  };
}
