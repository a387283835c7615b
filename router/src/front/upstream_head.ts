/**
 * The request heads the TCP front sends on, as the received bytes with only the required edits.
 * To a service (the fast path): the path below `/<service>/<socket>`, hop-by-hop headers and
 * those named in `Connection` removed (WebSocket upgrades keep `Connection: Upgrade` and
 * `Upgrade`), `X-Forwarded-*` from the client dropped and set anew, as the app's proxy does.
 * To the router's own app: the head as it came, plus the peer's address in {@link PEER_HEADER}.
 */
import { HOP_BY_HOP, PEER_HEADER } from "../proxy/forward_headers.ts";
import { HeadBuilder } from "./head_bytes.ts";
import type { RequestHead } from "./request_head.ts";

/** Where a fast-path request goes on its service: the path and the prefix it came under. */
export interface ServiceTarget {
  /** Path and query sent to the service. */
  rest: string;
  /** `/<service>/<socket>`, sent as `X-Forwarded-Prefix`. */
  prefix: string;
}

/** The head for the service; `src` holds the received head bytes from index 0. */
export function serviceRequestHead(
  src: Uint8Array,
  head: RequestHead,
  target: ServiceTarget,
  peer: string,
): Uint8Array {
  const chunked = head.body.kind === "chunked";
  const out = new HeadBuilder(src).text(`${head.method} ${target.rest} HTTP/${head.version}\r\n`);
  const { names, connectionTokens } = head;
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (HOP_BY_HOP.has(n) && !(chunked && n === "transfer-encoding")) continue;
    if (n.startsWith("x-forwarded-") || n === "expect" || n === PEER_HEADER) continue;
    if (connectionTokens.length > 0 && connectionTokens.includes(n)) continue;
    out.range(head.lineStarts[i], head.lineEnds[i] + 2);
  }
  return out.bytes(forwardedLines(peer, head.get("host") ?? "", target.prefix, head.upgrade))
    .finish();
}

/** The lines the front adds for a service, memoised: few peers, hosts and prefixes repeat. */
const forwarded = new Map<string, Uint8Array>();

function forwardedLines(peer: string, host: string, prefix: string, upgrade?: string) {
  const key = `${peer}\n${host}\n${prefix}\n${upgrade}`;
  let lines = forwarded.get(key);
  if (!lines) {
    const ws = upgrade === "websocket" ? "connection: Upgrade\r\nupgrade: websocket\r\n" : "";
    lines = new HeadBuilder(new Uint8Array(0)).text(
      `${ws}x-forwarded-for: ${peer}\r\nx-forwarded-host: ${host}\r\n` +
        `x-forwarded-proto: http\r\nx-forwarded-prefix: ${prefix}\r\n\r\n`,
    ).finish();
    if (forwarded.size >= 1024) forwarded.clear();
    forwarded.set(key, lines);
  }
  return lines;
}

/** The head for the router's app: unchanged but for the peer header (and `Expect`, answered). */
export function appRequestHead(src: Uint8Array, head: RequestHead, peer: string): Uint8Array {
  const out = new HeadBuilder(src).range(0, head.text.indexOf("\r\n") + 2);
  const names = head.names;
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n === PEER_HEADER || n === "expect") continue;
    out.range(head.lineStarts[i], head.lineEnds[i] + 2);
  }
  return out.text(`${PEER_HEADER}: ${peer}\r\n\r\n`).finish();
}
