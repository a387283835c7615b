// The JSON-RPC side shared by the hand-written fixture services: two methods and their OpenRPC
// document, answered without the SDK.
import fs from "node:fs";

/** The OpenRPC document of the fixture services (shared with the Python one). */
export const OPENRPC = JSON.parse(
  fs.readFileSync(new URL("./plain_openrpc.json", import.meta.url), "utf8"),
);

/** The JSON-RPC reply to one request body (undefined for a notification). */
export function answer(body) {
  let msg;
  try {
    msg = JSON.parse(body);
  } catch {
    return { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } };
  }
  const p = msg.params ?? {};
  let result;
  if (msg.method === "greet") result = `Hello, ${p.name}!`;
  else if (msg.method === "add") result = p.a + p.b;
  else if (msg.method === "rpc.discover") result = OPENRPC;
  else {
    return {
      jsonrpc: "2.0",
      id: msg.id ?? null,
      error: { code: -32601, message: "Method not found" },
    };
  }
  return msg.id === undefined ? undefined : { jsonrpc: "2.0", id: msg.id, result };
}
