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
 * Sends the answer's head with the body bytes read so far (`buf[end, n)`), then the rest of the
 * body; resolves whether the upstream connection can be reused.
 */
export async function relayResponse(
  c: ClientConn,
  up: Connection,
  res: ResponseHead,
  end: number,
  n: number,
): Promise<boolean> {
  const buf = up.readBuf;
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
  // Bytes after the answer: never reuse such a connection.
  let clean = n === sent;
  const out = withBody(res, buf, end, sent);
  const w = await c.conn.write(out);
  if (w < out.byteLength) await writeAll(c.conn, out.subarray(w));
  if (res.framing === "none" || (res.framing === "length" && left === 0) || scanner?.done) {
    return clean && res.keepAlive;
  }
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
