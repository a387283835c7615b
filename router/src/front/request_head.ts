/**
 * Strict HTTP/1.1 request heads for the router's TCP front. The front forwards request bytes
 * as they came, so it must agree with every server behind it on where a request ends: it
 * accepts only unambiguous heads (CRLF line ends, no folded lines, no control characters, at
 * most one Content-Length, Transfer-Encoding exactly `chunked` and never beside a length) and
 * answers anything else with an error status, as nginx does. Parsed heads keep the original
 * bytes and the offsets of every header line, so that forwarding copies bytes instead of
 * re-encoding text.
 */
import { latin1 } from "./head_bytes.ts";

/** How a request body is delimited. */
export type RequestBody =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" };

/** A head the front cannot take, with the status to answer. */
export interface HeadError {
  status: 400 | 417 | 431 | 501 | 505;
  reason: string;
}

/** Largest number of header lines (hyper's default). */
export const MAX_HEADERS = 100;

const NO_TOKENS: readonly string[] = Object.freeze([]);

/** A parsed request head. Header names are lower-case; `text` has one character per byte. */
export class RequestHead {
  /** Every header name (lower-case) and value (trimmed), in order. */
  readonly names: string[] = [];
  readonly values: string[] = [];
  /** Offsets in `text` (= in the bytes) where each header line starts and ends (before CRLF). */
  readonly lineStarts: number[] = [];
  readonly lineEnds: number[] = [];
  method = "";
  /** The raw request-target. */
  target = "";
  /** `1.1` or `1.0`. */
  version = "1.1";
  body: RequestBody = NO_BODY;
  /** The client will not send another request on this connection. */
  close = false;
  /** `Expect: 100-continue` was sent. */
  expectContinue = false;
  /** `Upgrade` named in `Connection`, with its value (lower-case). */
  upgrade: string | undefined;
  /** The tokens of `Connection` (lower-case). */
  connectionTokens: readonly string[] = NO_TOKENS;

  /** The head as text and its length in bytes, including the blank line. */
  constructor(readonly text: string, readonly length: number) {}

  /** The head as the `headers` of a `Request` (for the gate). */
  get headers(): { get(name: string): string | null } {
    return this;
  }

  /** The first value of header `name` (lower-case), or null. */
  get(name: string): string | null {
    const i = this.names.indexOf(name);
    return i < 0 ? null : this.values[i];
  }

  /** The request's URL as a server sees it (`http://<host><target>`). */
  get url(): string {
    return this.#url ??= `http://${this.get("host") ?? "localhost"}${this.target}`;
  }

  #url: string | undefined;

  /** A standard Request with this head's method, URL and headers (no body). */
  toRequest(): Request {
    const headers = new Headers();
    for (let i = 0; i < this.names.length; i++) headers.append(this.names[i], this.values[i]);
    return new Request(this.url, { method: this.method, headers });
  }
}

const NO_BODY: RequestBody = Object.freeze({ kind: "none" });

/** Finds the end of a head (the index after `\r\n\r\n`) in `buf[from, to)`; -1 if not there. */
export function findHeadEnd(buf: Uint8Array, from: number, to: number): number {
  // `i` is where the blank line's LF could be. A byte that is neither CR nor LF cannot be in
  // the 4 bytes ending there, so the next 4 places are skipped; a CR can be at i+1's or i+3's
  // CR, an LF only at i+2's first LF.
  let i = from + 3;
  while (i < to) {
    const b = buf[i];
    if (b === 10) {
      if (buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i + 1;
      i += 2;
    } else i += b === 13 ? 1 : 4;
  }
  return -1;
}

/** Parses the head in `buf[start, end)` (`end` just after the blank line). */
export function parseRequestHead(
  buf: Uint8Array,
  start: number,
  end: number,
): RequestHead | HeadError {
  const text = latin1(buf, start, end);
  const head = new RequestHead(text, end - start);
  const lineEnd = text.indexOf("\r\n");
  const line = parseRequestLine(text.slice(0, lineEnd), head);
  if (line) return line;
  let at = lineEnd + 2;
  let lengths = 0;
  let hosts = 0;
  let te: string | undefined;
  const last = text.length - 2;
  while (at < last) {
    const eol = text.indexOf("\r\n", at);
    if (head.names.length === MAX_HEADERS) return { status: 431, reason: "too many headers" };
    let colon = -1;
    let upper = false;
    for (let i = at; i < eol; i++) {
      const c = text.charCodeAt(i);
      if (c === 58) {
        colon = i;
        break;
      }
      if (c >= 128 || !TOKEN[c]) return bad("a header name with a character not allowed");
      if (c >= 65 && c <= 90) upper = true;
    }
    if (colon <= at) return bad("a header line without a name");
    // This also refuses a bare CR or LF, which other servers may take for a line end.
    let from = colon + 1;
    let to = eol;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) return bad("a control character in a header value");
    }
    while (from < to && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
    const name = knownName(text, at, colon) ??
      (upper ? text.slice(at, colon).toLowerCase() : text.slice(at, colon));
    const value = text.slice(from, to);
    head.names.push(name);
    head.values.push(value);
    head.lineStarts.push(at);
    head.lineEnds.push(eol);
    switch (name) {
      case "host":
        if (++hosts > 1) return bad("two Host headers");
        break;
      case "content-length":
        if (++lengths > 1 || !/^\d{1,15}$/.test(value)) return bad("an invalid Content-Length");
        head.body = { kind: "length", length: Number(value) };
        break;
      case "transfer-encoding":
        if (te !== undefined) return bad("Transfer-Encoding given twice");
        te = value.toLowerCase();
        break;
      case "connection":
        head.connectionTokens = head.connectionTokens.concat(
          value.toLowerCase().split(",").map((t) => t.trim()),
        );
        break;
      case "expect":
        if (value.toLowerCase() !== "100-continue") {
          return { status: 417, reason: `Expect: ${value} is not supported` };
        }
        head.expectContinue = true;
        break;
    }
    at = eol + 2;
  }
  if (te !== undefined) {
    if (te !== "chunked") {
      return { status: 501, reason: `Transfer-Encoding: ${te} is not supported` };
    }
    if (lengths > 0) return bad("both Transfer-Encoding and Content-Length");
    if (head.version === "1.0") return bad("Transfer-Encoding in an HTTP/1.0 request");
    head.body = { kind: "chunked" };
  }
  const tokens = head.connectionTokens;
  head.close = head.version === "1.0" || (tokens.length > 0 && tokens.includes("close"));
  if (tokens.length > 0 && tokens.includes("upgrade")) {
    head.upgrade = head.get("upgrade")?.toLowerCase() ?? undefined;
  }
  return head;
}

function parseRequestLine(line: string, head: RequestHead): HeadError | undefined {
  const sp1 = line.indexOf(" ");
  const sp2 = line.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || line.indexOf(" ", sp2 + 1) >= 0) {
    return bad("a malformed request line");
  }
  for (let i = 0; i < sp1; i++) {
    if (!TOKEN[line.charCodeAt(i)]) return bad("a malformed method");
  }
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = line.charCodeAt(i);
    if (c <= 32 || c >= 127) return bad("a character not allowed in the request target");
  }
  const version = line.slice(sp2 + 1);
  if (version === "HTTP/1.1") head.version = "1.1";
  else if (version === "HTTP/1.0") head.version = "1.0";
  else if (/^HTTP\/\d(\.\d)?$/.test(version)) {
    return { status: 505, reason: `${version} is not supported` };
  } else return bad("a malformed HTTP version");
  head.method = line.slice(0, sp1);
  head.target = line.slice(sp1 + 1, sp2);
  // origin-form, asterisk-form (OPTIONS *) or absolute-form: nothing else names a resource.
  const t = head.target;
  if (t[0] !== "/" && t !== "*" && !/^https?:\/\//i.test(t)) {
    return bad("a malformed request target");
  }
  return undefined;
}

function bad(what: string): HeadError {
  return { status: 400, reason: `Bad request: ${what}` };
}

/** Header names most requests carry, by length (see {@link knownName}). */
const KNOWN_NAMES: string[][] = [];
for (
  const name of [
    "host",
    "authorization",
    "user-agent",
    "accept",
    "accept-encoding",
    "accept-language",
    "connection",
    "content-type",
    "content-length",
    "cookie",
    "origin",
    "referer",
    "upgrade",
    "transfer-encoding",
    "expect",
    "cache-control",
    "pragma",
    "if-none-match",
    "if-modified-since",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-prefix",
    "x-hero-csrf",
    "x-hero-caller",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-websocket-key",
    "sec-websocket-version",
    "keep-alive",
    "traceparent",
    "priority",
    "mcp-protocol-version",
    "mcp-session-id",
    "last-event-id",
  ]
) (KNOWN_NAMES[name.length] ??= []).push(name);

/**
 * The lower-case constant for a common header name in `text[at, end)` (any case; its characters
 * are already known to be `tchar`s), or undefined. Constants spare a string per header, and
 * later look-ups by name compare them at once.
 */
function knownName(text: string, at: number, end: number): string | undefined {
  const list = KNOWN_NAMES[end - at];
  if (list === undefined) return undefined;
  next: for (const name of list) {
    // Setting bit 5 lower-cases a letter and leaves `-` as it is.
    for (let k = 0; k < name.length; k++) {
      if ((text.charCodeAt(at + k) | 32) !== name.charCodeAt(k)) continue next;
    }
    return name;
  }
  return undefined;
}

/** The `tchar` set of RFC 9110 (header names and methods), by character code. */
const TOKEN: boolean[] = (() => {
  const t: boolean[] = [];
  for (let c = 0; c < 128; c++) {
    t[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
      "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
  }
  return t;
})();
