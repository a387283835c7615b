/**
 * Wraps a browser-facing handler (admin or web socket): adds the `ui` discovery manifest and
 * refuses `POST /rpc`, so the admin surface can never be mistaken for the RPC one.
 */
                                                        
import { jsonResponse,                      } from "./manifest.js";

/** Builds the handler of an admin or web socket around the service's own handler. */
export function createUiSocketHandler(
  handler              ,
  manifest                 ,
)               {
  const manifestText = JSON.stringify(manifest);
  return (request, info) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/.well-known/heroservice.json" && request.method === "GET") {
      return Promise.resolve(
        new Response(manifestText, { headers: { "content-type": "application/json" } }),
      );
    }
    if (pathname === "/rpc" && request.method === "POST") {
      return Promise.resolve(
        jsonResponse(
          { error: `JSON-RPC is not served on the ${manifest.socket} socket; use rpc.sock` },
          405,
        ),
      );
    }
    return handler(request, info);
  };
}
