/**
 * Header rules of the proxy: hop-by-hop headers (the fixed list plus every header named in
 * `Connection`) never cross it in either direction, also not on 101 responses, and the
 * `X-Forwarded-*` headers tell the backend who asked, through which host, under which prefix.
 */
import type { ConnectionInfo } from "@hero/sdk";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
];

/** A copy of `headers` without hop-by-hop headers (including those listed in `Connection`). */
export function withoutHopByHop(headers: Headers): Headers {
  const out = new Headers(headers);
  const named = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase());
  for (const h of [...HOP_BY_HOP, ...named]) if (h) out.delete(h);
  return out;
}

/** Request headers for the backend: hop-by-hop removed, `X-Forwarded-*` set. */
export function forwardRequestHeaders(
  request: Request,
  info: ConnectionInfo,
  prefix: string,
): Headers {
  const out = withoutHopByHop(request.headers);
  const host = request.headers.get("host") ?? "localhost";
  // Only a local front proxy (on the Unix socket) is trusted to have set these already.
  const trusted = info.transport === "unix";
  if (info.remoteAddress) {
    const prior = trusted ? request.headers.get("x-forwarded-for") : null;
    out.set("x-forwarded-for", prior ? `${prior}, ${info.remoteAddress}` : info.remoteAddress);
  } else if (!trusted) out.delete("x-forwarded-for");
  if (!trusted || !out.has("x-forwarded-host")) out.set("x-forwarded-host", host);
  if (!trusted || !out.has("x-forwarded-proto")) {
    out.set("x-forwarded-proto", new URL(request.url).protocol.replace(":", ""));
  }
  const outerPrefix = trusted ? (request.headers.get("x-forwarded-prefix") ?? "") : "";
  out.set("x-forwarded-prefix", outerPrefix.replace(/\/$/, "") + prefix);
  return out;
}
