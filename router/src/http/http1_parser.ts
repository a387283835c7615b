/**
 * HTTP/1.1 response parsing for the proxy's own Unix-socket client: the status line and headers,
 * and the body framing (content-length, chunked, or until close). Pure functions over bytes.
 */

/** A parsed response head. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** Byte length of the head including the blank line. */
  length: number;
}

/** Largest response head accepted. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** Finds the end of a head (`\r\n\r\n`) from `from`; -1 if not there yet. */
export function headEnd(buf: Uint8Array, from = 0): number {
  for (let i = Math.max(3, from); i < buf.byteLength; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

const decoder = new TextDecoder("latin1");

/** Parses a complete head ending at `end`; throws on anything that is not HTTP/1.x. */
export function parseHead(buf: Uint8Array, end: number): ResponseHead {
  const text = decoder.decode(buf.subarray(0, end - 4));
  const lines = text.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) throw new Error("the service answered with something that is not HTTP/1.1");
  const headers: [string, string][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c = line.indexOf(":");
    if (c <= 0) throw new Error("the service sent a malformed header line");
    headers.push([line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim()]);
  }
  return { status: Number(m[1]), statusText: m[2] ?? "", headers, length: end };
}

/** How the body of a response is delimited. */
export type BodyFraming =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };

/** The framing of a response to `method` with `head`. */
export function bodyFraming(method: string, head: ResponseHead): BodyFraming {
  if (method === "HEAD" || head.status === 204 || head.status === 304 || head.status < 200) {
    return { kind: "none" };
  }
  let te: string | undefined;
  let cl: string | undefined;
  for (const [k, v] of head.headers) {
    if (k === "transfer-encoding") te = v.toLowerCase();
    else if (k === "content-length") cl = v;
  }
  if (te !== undefined && te.split(",").map((s) => s.trim()).at(-1) === "chunked") {
    return { kind: "chunked" };
  }
  if (cl !== undefined) {
    if (!/^\d{1,15}$/.test(cl)) throw new Error("the service sent an invalid content-length");
    return { kind: "length", length: Number(cl) };
  }
  return { kind: "close" };
}

/**
 * Incremental chunked-encoding decoder: `feed` bytes, get payload slices; `done` once the final
 * chunk and trailers were read; `rest` holds bytes after the body.
 */
export class ChunkedDecoder {
  #state: "size" | "data" | "data-crlf" | "trailers" | "done" = "size";
  #remaining = 0;
  #pending: Uint8Array = new Uint8Array(0);
  /** Bytes after the end of the body (the next response on a kept-alive connection). */
  rest: Uint8Array = new Uint8Array(0);

  /** True when the whole body was decoded. */
  get done(): boolean {
    return this.#state === "done";
  }

  /** Decodes what it can from `input`; returns the payload bytes found. */
  feed(input: Uint8Array): Uint8Array[] {
    let buf = this.#pending.byteLength ? concat(this.#pending, input) : input;
    this.#pending = new Uint8Array(0);
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.#state === "done") {
        this.rest = buf;
        return out;
      }
      if (this.#state === "data") {
        if (buf.byteLength === 0) return out;
        const n = Math.min(this.#remaining, buf.byteLength);
        out.push(buf.subarray(0, n));
        buf = buf.subarray(n);
        this.#remaining -= n;
        if (this.#remaining === 0) this.#state = "data-crlf";
        continue;
      }
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.byteLength > 4096) throw new Error("the service sent a malformed chunked body");
        this.#pending = buf.slice();
        return out;
      }
      const line = decoder.decode(buf.subarray(0, nl)).replace(/\r$/, "");
      buf = buf.subarray(nl + 1);
      if (this.#state === "data-crlf") {
        if (line !== "") throw new Error("the service sent a malformed chunked body");
        this.#state = "size";
      } else if (this.#state === "size") {
        const size = parseInt(line.split(";")[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+/.test(line)) {
          throw new Error("the service sent a malformed chunk size");
        }
        if (size === 0) this.#state = "trailers";
        else {
          this.#remaining = size;
          this.#state = "data";
        }
      } else if (line === "") this.#state = "done"; // end of trailers
    }
  }
}

/** Concatenates two byte arrays. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  if (b.byteLength === 0) return a;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
