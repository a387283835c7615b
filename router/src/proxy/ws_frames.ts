/**
 * WebSocket framing (RFC 6455) for the backend side of the relay, where the router is the
 * client: frames it sends are masked, frames it receives are parsed incrementally from a byte
 * stream, fragmented messages are reassembled, and oversized messages are refused.
 */

/** Frame opcodes. */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** One complete frame. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** Encodes a frame; client frames (`mask`) get a random masking key. */
export function encodeFrame(opcode: number, payload: Uint8Array, mask = true): Uint8Array {
  const len = payload.byteLength;
  const extra = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + extra + (mask ? 4 : 0) + len);
  out[0] = 0x80 | opcode;
  out[1] = (mask ? 0x80 : 0) | (len < 126 ? len : len < 65536 ? 126 : 127);
  const view = new DataView(out.buffer);
  if (extra === 2) view.setUint16(2, len);
  if (extra === 8) view.setBigUint64(2, BigInt(len));
  let at = 2 + extra;
  if (mask) {
    const key = crypto.getRandomValues(new Uint8Array(4));
    out.set(key, at);
    at += 4;
    for (let i = 0; i < len; i++) out[at + i] = payload[i] ^ key[i & 3];
  } else out.set(payload, at);
  return out;
}

/** A close frame payload: 2-byte code plus UTF-8 reason (at most 123 bytes). */
export function closePayload(code: number | undefined, reason = ""): Uint8Array {
  if (code === undefined) return new Uint8Array();
  const text = new TextEncoder().encode(reason).slice(0, 123);
  const out = new Uint8Array(2 + text.byteLength);
  new DataView(out.buffer).setUint16(0, code);
  out.set(text, 2);
  return out;
}

/** Reads code and reason from a close frame payload. */
export function parseClose(payload: Uint8Array): { code?: number; reason: string } {
  if (payload.byteLength < 2) return { reason: "" };
  const code = new DataView(payload.buffer, payload.byteOffset).getUint16(0);
  return { code, reason: new TextDecoder().decode(payload.subarray(2)) };
}

/** Incremental frame parser: push bytes in, take complete frames out. */
export class FrameParser {
  #buf: Uint8Array = new Uint8Array(0);
  readonly #maxFrame: number;

  /** Frames larger than `maxFrameBytes` make {@link next} throw. */
  constructor(maxFrameBytes: number) {
    this.#maxFrame = maxFrameBytes;
  }

  /** Bytes waiting to form a frame. */
  get buffered(): number {
    return this.#buf.byteLength;
  }

  /** Appends received bytes. */
  push(chunk: Uint8Array): void {
    if (this.#buf.byteLength === 0) {
      this.#buf = chunk;
      return;
    }
    const next = new Uint8Array(this.#buf.byteLength + chunk.byteLength);
    next.set(this.#buf);
    next.set(chunk, this.#buf.byteLength);
    this.#buf = next;
  }

  /** The next complete frame, or undefined if more bytes are needed. */
  next(): Frame | undefined {
    const b = this.#buf;
    if (b.byteLength < 2) return undefined;
    const masked = (b[1] & 0x80) !== 0;
    let len = b[1] & 0x7f;
    let at = 2;
    if (len === 126) {
      if (b.byteLength < 4) return undefined;
      len = (b[2] << 8) | b[3];
      at = 4;
    } else if (len === 127) {
      if (b.byteLength < 10) return undefined;
      const big = new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0);
      if (big > BigInt(this.#maxFrame)) throw new Error("frame too large");
      len = Number(big);
      at = 10;
    }
    if (len > this.#maxFrame) throw new Error("frame too large");
    const keyAt = at;
    if (masked) at += 4;
    if (b.byteLength < at + len) return undefined;
    const payload = b.slice(at, at + len);
    if (masked) { for (let i = 0; i < len; i++) payload[i] ^= b[keyAt + (i & 3)]; }
    this.#buf = b.subarray(at + len);
    return { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, payload };
  }
}
