/**
 * The request heads the TCP front sends on, as the received bytes with only the required edits.
 * To a service (the fast path): the path below `/<service>/<socket>`, hop-by-hop headers and
 * those named in `Connection` removed (WebSocket upgrades keep `Connection: Upgrade` and
 * `Upgrade`), `X-Forwarded-*` from the client dropped and set anew, and the caller's signed
 * assertion in place of an incoming `X-Hero-Caller` and of the router's credentials (its
 * cookies, a bearer token the gate consumed), as the app's proxy does.
 * To the router's own app: the head as it came, plus the peer's address in {@link PEER_HEADER}.
 */
import { CALLER_HEADER } from "@hero/sdk/wire";
import { HOP_BY_HOP } from "../http/hop_by_hop.ts";
import { type ForwardedCaller, PEER_HEADER, withoutCookies } from "../proxy/forward_headers.ts";
import { HeadBuilder } from "./head_bytes.ts";
import { MAX_HEADERS, type RequestHead } from "./request_head.ts";

/** Where a fast-path request goes on its service: the path and the prefix it came under. */
export interface ServiceTarget {
  /** Path and query sent to the service. */
  rest: string;
  /** `/<service>/<socket>`, sent as `X-Forwarded-Prefix`. */
  prefix: string;
  /** The caller's assertion and the router's credentials to remove. */
  caller?: ForwardedCaller;
}

/**
 * Writes the head for the service into `out` and returns its length (-1 if it does not fit);
 * `src` holds the received head bytes from index 0.
 */
export function serviceRequestHead(
  src: Uint8Array,
  head: RequestHead,
  target: ServiceTarget,
  peer: string,
  out: Uint8Array,
): number {
  const chunked = head.body.kind === "chunked";
  const { names, connectionTokens, lineStarts, lineEnds } = head;
  const tail = forwardedLines(peer, head.get("host") ?? "", target.prefix, head.upgrade);
  const caller = target.caller;
  const assertion = caller?.assertion ? assertionLine(caller.assertion) : NOTHING;
  // Which lines stay, and the size of the result, before one allocation and the copies; a
  // `Cookie` line that loses the router's cookies is written anew (`edited`).
  const keep = KEEP;
  let edited: Map<number, string> | undefined;
  const method = head.method;
  const rest = target.rest;
  // `<method> <rest> HTTP/1.x\r\n`
  let size = method.length + rest.length + 12 + assertion.byteLength + tail.byteLength;
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    let k = !(HOP_BY_HOP.has(n) && !(chunked && n === "transfer-encoding")) &&
      !(n.startsWith("x-forwarded-") || n === "expect" || n === PEER_HEADER ||
        n === CALLER_HEADER) &&
      !(connectionTokens.length > 0 && connectionTokens.includes(n)) &&
      !(n === "authorization" && caller?.dropAuthorization);
    if (k && n === "cookie" && caller?.dropCookies.length) {
      const kept = withoutCookies(head.values[i], caller.dropCookies);
      if (kept !== head.values[i]) {
        k = false;
        if (kept) {
          const text = `cookie: ${kept}\r\n`;
          (edited ??= new Map()).set(i, text);
          size += text.length;
        }
      }
    }
    keep[i] = k ? 1 : 0;
    if (k) size += lineEnds[i] + 2 - lineStarts[i];
  }
  if (size > out.byteLength) return -1;
  let at = 0;
  for (let j = 0; j < method.length; j++) out[at++] = method.charCodeAt(j);
  out[at++] = 32;
  for (let j = 0; j < rest.length; j++) out[at++] = rest.charCodeAt(j);
  out.set(head.version === "1.0" ? HTTP_10 : HTTP_11, at);
  at += 11;
  for (let i = 0; i < names.length; i++) {
    const text = edited?.get(i);
    if (text) {
      // One character per byte (see `latin1`): the low byte is the received byte.
      for (let j = 0; j < text.length; j++) out[at++] = text.charCodeAt(j);
      continue;
    }
    if (!keep[i]) continue;
    // A run of kept lines is one copy.
    let j = i;
    while (j + 1 < names.length && keep[j + 1]) j++;
    const from = lineStarts[i];
    const to = lineEnds[j] + 2;
    if (to - from < 64) { // a short run: cheaper than a view for `set`
      for (let b = from; b < to; b++) out[at++] = src[b];
    } else {
      out.set(src.subarray(from, to), at);
      at += to - from;
    }
    i = j;
  }
  out.set(assertion, at);
  out.set(tail, at + assertion.byteLength);
  return size;
}

const NOTHING = new Uint8Array(0);
const HTTP_11 = new TextEncoder().encode(" HTTP/1.1\r\n");
const HTTP_10 = new TextEncoder().encode(" HTTP/1.0\r\n");
/** Which header lines stay, written anew for each head (no array per request). */
const KEEP = new Uint8Array(MAX_HEADERS);
/** The `X-Hero-Caller` lines as bytes, by assertion: one is reused for many requests. */
const assertions = new Map<string, Uint8Array>();

function assertionLine(assertion: string): Uint8Array {
  let line = assertions.get(assertion);
  if (!line) {
    line = new HeadBuilder(NOTHING).text(`${CALLER_HEADER}: ${assertion}\r\n`).finish();
    if (assertions.size >= 1024) assertions.clear();
    assertions.set(assertion, line);
  }
  return line;
}

/** The lines the front adds for a service, memoised: few peers, hosts and prefixes repeat. */
const forwarded = new Map<string, Uint8Array>();

/** The last lines made, checked first: a connection's requests usually repeat all four. */
let last = {
  peer: "",
  host: "",
  prefix: "",
  upgrade: "" as string | undefined,
  lines: NOTHING as Uint8Array,
};

function forwardedLines(peer: string, host: string, prefix: string, upgrade?: string) {
  const l = last;
  if (l.peer === peer && l.host === host && l.prefix === prefix && l.upgrade === upgrade) {
    return l.lines;
  }
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
  last = { peer, host, prefix, upgrade, lines };
  return lines;
}

/**
 * Writes the head for the router's app into `out` and returns its length (-1 if it does not
 * fit): unchanged but for the peer header (and `Expect`, answered by the front).
 */
export function appRequestHead(
  src: Uint8Array,
  head: RequestHead,
  peer: string,
  out: Uint8Array,
): number {
  const b = new HeadBuilder(src).range(0, head.text.indexOf("\r\n") + 2);
  const names = head.names;
  for (let i = 0; i < names.length; i++) {
    const n = names[i];
    if (n === PEER_HEADER || n === "expect") continue;
    b.range(head.lineStarts[i], head.lineEnds[i] + 2);
  }
  const bytes = b.text(`${PEER_HEADER}: ${peer}\r\n\r\n`).finish();
  if (bytes.byteLength > out.byteLength) return -1;
  out.set(bytes);
  return bytes.byteLength;
}
