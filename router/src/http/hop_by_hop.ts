/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): the fixed list plus every header named in `Connection`
 * belong to one connection, so whatever relays HTTP (the proxy, the WebSocket relay, the probe
 * client) drops them in both directions.
 */

/** Hop-by-hop headers (lower-case): never forwarded in either direction. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
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
]);

/** A copy of `headers` without hop-by-hop headers (including those listed in `Connection`). */
export function withoutHopByHop(headers: Headers): Headers {
  const connection = headers.get("connection");
  const named = connection
    ? new Set(connection.split(",").map((h) => h.trim().toLowerCase()))
    : undefined;
  const out = new Headers();
  for (const [k, v] of headers) {
    if (HOP_BY_HOP.has(k) || named?.has(k)) continue;
    if (k === "set-cookie") continue;
    out.append(k, v);
  }
  for (const cookie of headers.getSetCookie()) out.append("set-cookie", cookie);
  return out;
}

/** Response headers from raw (lower-case) pairs, without hop-by-hop headers. */
export function headersFromPairs(pairs: [string, string][]): Headers {
  let named: Set<string> | undefined;
  for (const [k, v] of pairs) {
    if (k === "connection") {
      named ??= new Set();
      for (const h of v.split(",")) named.add(h.trim().toLowerCase());
    }
  }
  const out = new Headers();
  for (const [k, v] of pairs) {
    if (HOP_BY_HOP.has(k) || named?.has(k)) continue;
    try {
      out.append(k, v);
    } catch { /* a header value the Headers API refuses is dropped */ }
  }
  return out;
}
