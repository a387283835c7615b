/**
 * An answer on its way back through the TCP front: its head (edited or as received) and the body
 * bytes that came with it in one write, then the rest read by read in its own framing (length,
 * chunked or until close; no re-chunking, no copy), and whether the upstream connection can
 * serve another request afterwards.
 */
import { type Connection, writeAll } from "../http/upstream_io.ts";
import { ChunkScanner } from "./chunk_scanner.ts";
import type { ClientConn } from "./client_conn.ts";
import { concatBytes } from "./head_bytes.ts";
import type { ResponseHead } from "./response_head.ts";

/**
 * The first write of an answer: its head with the body bytes read so far (`buf[end, n)`), and
 * where the body stands after it. Synchronous, so that an answer read whole (most of them) is
 * written by the relay without one more async call.
 */
export interface AnswerStart {
  /** The head and the body bytes that belong to this answer. */
  out: Uint8Array;
  /** Body bytes still to come (length framing). */
  left: number;
  scanner: ChunkScanner | undefined;
  /** No bytes after the answer in the buffer (else the connection is never reused). */
  clean: boolean;
  /** Nothing more to read: the answer is whole in `out`. */
  done: boolean;
}

/** Splits what was read of an answer (`buf[0, n)`, head until `end`) into its first write. */
export function answerStart(
  res: ResponseHead,
  buf: Uint8Array,
  end: number,
  n: number,
): AnswerStart {
  let sent = end;
  let left = 0;
  let scanner: ChunkScanner | undefined;
  if (res.framing === "length") {
    sent = end + Math.min(n - end, res.contentLength);
    left = res.contentLength - (sent - end);
  } else if (res.framing === "chunked") {
    scanner = new ChunkScanner();
    const e = scanner.scan(buf, end, n);
    sent = e < 0 ? n : e;
  } else if (res.framing === "close") sent = n;
  const done = res.framing === "none" || (res.framing === "length" && left === 0) ||
    scanner?.done === true;
  return { out: withBody(res, buf, end, sent), left, scanner, clean: n === sent, done };
}

/**
 * The rest of an answer after {@link answerStart}'s write, read by read in its own framing (no
 * re-chunking, no copy); resolves whether the upstream connection can be reused.
 */
export async function relayRest(
  c: ClientConn,
  up: Connection,
  res: ResponseHead,
  start: AnswerStart,
): Promise<boolean> {
  const buf = up.readBuf;
  let { left, clean } = start;
  const scanner = start.scanner;
  for (;;) {
    const k = await up.conn.read(buf);
    if (k === null) {
      if (res.framing === "close") return false;
      throw new Error("the service closed the connection mid-body");
    }
    let take = k;
    if (res.framing === "length") {
      take = Math.min(k, left);
      left -= take;
    } else if (scanner) {
      const e = scanner.scan(buf, 0, k);
      if (e >= 0) take = e;
    }
    if (take < k) clean = false;
    await writeAll(c.conn, buf.subarray(0, take));
    if ((res.framing === "length" && left === 0) || scanner?.done) return clean && res.keepAlive;
  }
}

/** The answer's head (edited or as received) followed by `buf[end, to)`. */
export function withBody(res: ResponseHead, buf: Uint8Array, end: number, to: number): Uint8Array {
  if (!res.edited) return buf.subarray(0, to);
  return to > end ? concatBytes(res.edited, buf.subarray(end, to)) : res.edited;
}
