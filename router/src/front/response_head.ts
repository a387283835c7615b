/**
 * Response heads from what the TCP front relays to (a service socket or the router's own app):
 * status, body framing, whether the connection can be reused, and the head to send to the
 * client. Hop-by-hop headers (the fixed list and every header named in `Connection`) are removed,
 * also from 101 responses, whose `Connection: Upgrade` and `Upgrade` are then set again; the
 * head is sent as received when nothing had to go. A head that cannot be framed without
 * guessing is an error (the client gets a 502).
 */
import { HOP_BY_HOP } from "../http/hop_by_hop.ts";
import { HeadBuilder, latin1 } from "./head_bytes.ts";

/** How a response body is delimited. */
export type ResponseFraming = "none" | "length" | "chunked" | "close";

/** A parsed response head. */
export interface ResponseHead {
  status: number;
  /** Length of the head in bytes, blank line included. */
  length: number;
  framing: ResponseFraming;
  /** Body length when `framing` is `length`. */
  contentLength: number;
  /** The upstream keeps the connection open after this response. */
  keepAlive: boolean;
  /** The head for the client when it differs from the bytes received. */
  edited?: Uint8Array;
}

/** Thrown on a head that is not valid HTTP/1.1. */
export class UpstreamHeadError extends Error {
  /** Says what was wrong. */
  constructor(what: string) {
    super(`the service sent ${what}`);
    this.name = "UpstreamHeadError";
  }
}

/** Lengths of the header names this parser acts on (hop-by-hop ones and Content-Length). */
const WATCHED = new Set([2, 7, 8, 10, 14, 16, 17, 18, 19]);

/** Parses the head in `buf[0, end)`, the answer to a request with `method`. */
export function parseResponseHead(buf: Uint8Array, end: number, method: string): ResponseHead {
  const firstEnd = statusLineEnd(buf, end);
  const status = (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48);
  let upgrade = "websocket";
  let connection: string[] | undefined;
  let hopByHop = false;
  let length = -1;
  let chunked = false;
  let at = firstEnd + 2;
  while (at < end - 2) {
    const eol = buf.indexOf(13, at);
    if (eol < 0 || buf[eol + 1] !== 10) throw new UpstreamHeadError("a malformed header line");
    let colon = at;
    while (colon < eol && buf[colon] !== 58) {
      const c = buf[colon++];
      if (c <= 32 || c >= 127) throw new UpstreamHeadError("a malformed header line");
    }
    if (colon === at || colon === eol) throw new UpstreamHeadError("a malformed header line");
    for (let i = colon + 1; i < eol; i++) {
      const c = buf[i];
      if ((c < 32 && c !== 9) || c === 127) throw new UpstreamHeadError("a malformed header line");
    }
    if (colon - at === 14 && isContentLength(buf, at)) {
      const v = digits(buf, colon + 1, eol);
      if (v < 0 || (length >= 0 && v !== length)) {
        throw new UpstreamHeadError("an invalid Content-Length");
      }
      length = v;
    } else if (WATCHED.has(colon - at)) {
      const name = latin1(buf, at, colon).toLowerCase();
      if (name === "content-length") {
        throw new UpstreamHeadError("an invalid Content-Length");
      } else if (name === "transfer-encoding") {
        if (chunked || latin1(buf, colon + 1, eol).trim().toLowerCase() !== "chunked") {
          throw new UpstreamHeadError("a Transfer-Encoding the router does not relay");
        }
        chunked = true;
      } else if (HOP_BY_HOP.has(name)) {
        hopByHop = true;
        const v = latin1(buf, colon + 1, eol).trim();
        if (name === "connection") {
          connection = (connection ?? []).concat(v.toLowerCase().split(",").map((t) => t.trim()));
        } else if (name === "upgrade") upgrade = v;
      }
    }
    at = eol + 2;
  }
  if (chunked && length >= 0) throw new UpstreamHeadError("both Content-Length and chunked");
  const bodyless = method === "HEAD" || status < 200 || status === 204 || status === 304;
  const framing: ResponseFraming = bodyless
    ? "none"
    : chunked
    ? "chunked"
    : length >= 0
    ? "length"
    : "close";
  const head: ResponseHead = {
    status,
    length: end,
    framing,
    contentLength: framing === "length" ? length : 0,
    keepAlive: buf[7] === 49 && framing !== "close" && !connection?.includes("close"),
  };
  const extra = status === 101
    ? `connection: Upgrade\r\nupgrade: ${upgrade}\r\n`
    : framing === "close"
    ? "connection: close\r\n"
    : "";
  if (extra !== "" || hopByHop || (chunked && framing !== "chunked")) {
    head.edited = edit(
      buf,
      firstEnd,
      end,
      extra,
      (name) =>
        (HOP_BY_HOP.has(name) && !(name === "transfer-encoding" && framing === "chunked")) ||
        (connection !== undefined && connection.includes(name)),
    );
  }
  return head;
}

/** Checks `HTTP/1.x NNN reason` and returns the index of its CR. */
function statusLineEnd(buf: Uint8Array, end: number): number {
  const ok = end > 16 && buf[0] === 72 && buf[1] === 84 && buf[2] === 84 && buf[3] === 80 &&
    buf[4] === 47 && buf[5] === 49 && buf[6] === 46 && (buf[7] === 48 || buf[7] === 49) &&
    buf[8] === 32 && isDigit(buf[9]) && isDigit(buf[10]) && isDigit(buf[11]) &&
    (buf[12] === 32 || buf[12] === 13);
  const cr = ok ? buf.indexOf(13, 12) : -1;
  if (cr < 0 || buf[cr + 1] !== 10) throw new UpstreamHeadError("something that is not HTTP/1.1");
  for (let i = 13; i < cr; i++) {
    const c = buf[i];
    if ((c < 32 && c !== 9) || c === 127) throw new UpstreamHeadError("a malformed status line");
  }
  return cr;
}

const CONTENT_LENGTH = new TextEncoder().encode("content-length");

/** Whether the 14 bytes at `at` spell `content-length` in any case. */
function isContentLength(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 14; i++) if ((buf[at + i] | 0x20) !== CONTENT_LENGTH[i]) return false;
  return true;
}

/** The decimal number in `buf[from, to)` between optional blanks; -1 if it is not one. */
function digits(buf: Uint8Array, from: number, to: number): number {
  while (from < to && (buf[from] === 32 || buf[from] === 9)) from++;
  while (to > from && (buf[to - 1] === 32 || buf[to - 1] === 9)) to--;
  if (to === from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The head without the lines `drop` names, with `extra` lines added. */
function edit(
  buf: Uint8Array,
  firstEnd: number,
  end: number,
  extra: string,
  drop: (name: string) => boolean,
): Uint8Array {
  const out = new HeadBuilder(buf).range(0, firstEnd + 2);
  for (let at = firstEnd + 2; at < end - 2;) {
    const eol = buf.indexOf(13, at);
    const name = latin1(buf, at, buf.indexOf(58, at)).toLowerCase();
    if (!drop(name)) out.range(at, eol + 2);
    at = eol + 2;
  }
  return out.text(extra + "\r\n").finish();
}
