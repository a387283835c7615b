/**
 * One request through the TCP front, as bytes: the edited head and the body bytes that came
 * with it go up in one write (the rest of the body streams as it arrives, concurrently with the
 * answer), the answer's head and first body bytes come down in one write, and the rest follows
 * read by read with its own framing (no re-chunking, no copy). A kept-alive connection that the
 * service closed meanwhile is retried once when the whole request is still at hand; a 101
 * answer to a WebSocket upgrade turns both connections into a tunnel.
 */
import { connectionError } from "../http/connection_error.ts";
import { HEAD_TIMEOUT_MS, safeClose, writeAll } from "../http/upstream_io.ts";
import type { UpstreamPool } from "../http/upstream_pool.ts";
import type { ClientConn } from "./client_conn.ts";
import { findHeadEnd, type RequestHead } from "./request_head.ts";
import { RequestBody } from "./request_body.ts";
import { parseResponseHead, type ResponseHead } from "./response_head.ts";
import { answerStart, relayRest, withBody } from "./response_body.ts";
import { tunnel } from "./tunnel.ts";

/** One request to relay. */
export interface RelayRequest {
  head: RequestHead;
  /**
   * Writes the head to send upstream into `into` (the upstream connection's buffer, free until
   * the answer arrives) and returns its length, or -1 if it does not fit.
   */
  writeHead: (into: Uint8Array) => number;
  pool: UpstreamPool;
  /** The client's answer when the upstream fails before its head arrives (a 502). */
  failure: (why: string) => Uint8Array;
  /** Told the status once the answer's head is known (the service's, or the 502). */
  answered?: (status: number) => void;
}

const encoder = new TextEncoder();
const CONTINUE = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");

/** A JSON error response that closes the connection. */
export function errorResponse(status: number, error: string): Uint8Array {
  const body = JSON.stringify({ error });
  return encoder.encode(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\ncontent-type: application/json\r\n` +
      `content-length: ${encoder.encode(body).byteLength}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  417: "Expectation Failed",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  502: "Bad Gateway",
  505: "HTTP Version Not Supported",
};

/** Relays one request and its answer; resolves true if the client connection can go on. */
export async function relay(c: ClientConn, r: RelayRequest): Promise<boolean> {
  const head = r.head;
  c.consume(head.length);
  // The body bytes that came with the head go up with it, in one write.
  let inBuf = 0;
  let body: RequestBody | undefined;
  if (head.body.kind !== "none") {
    body = new RequestBody(head);
    try {
      inBuf = body.takeBuffered(c);
    } catch {
      await writeAll(c.conn, errorResponse(400, "Bad request: malformed chunked body"))
        .catch(() => {});
      return false;
    }
    if (body.done) body = undefined;
    else if (
      head.expectContinue && !(await writeAll(c.conn, CONTINUE).then(() => true, () => false))
    ) {
      return false;
    }
  }
  const pool = r.pool;
  let up = pool.take();
  if (!up) {
    try {
      up = await pool.acquire();
    } catch (err) {
      r.answered?.(502);
      await writeAll(c.conn, r.failure(connectionError(err))).catch(() => {});
      return false;
    }
  }
  const size = r.writeHead(up.readBuf);
  let first: Uint8Array;
  if (size >= 0 && size + inBuf <= up.readBuf.byteLength) {
    if (inBuf > 0) up.readBuf.set(c.buf.subarray(c.start, c.start + inBuf), size);
    first = up.readBuf.subarray(0, size + inBuf);
  } else {
    // A head too large for the buffer: the service gets it as a whole all the same.
    const big = new Uint8Array(64 * 1024 + inBuf + 32 * 1024);
    const n = r.writeHead(big);
    big.set(c.buf.subarray(c.start, c.start + inBuf), n);
    first = big.subarray(0, n + inBuf);
  }
  c.consume(inBuf);
  let holding = true;
  let answered = false;
  let pumped: boolean | undefined = true;
  const buf = up.readBuf;
  try {
    // Send, and read the first bytes of the answer; a stale kept-alive connection is replaced
    // once when the whole request is still at hand.
    let n = 0;
    for (let attempt = 0;; attempt++) {
      const replayable = attempt === 0 && up.reused === true && body === undefined;
      try {
        const w = await up.conn.write(first);
        if (w < first.byteLength) await writeAll(up.conn, first.subarray(w));
        if (body) {
          pumped = undefined;
          body.pump(c, up.conn).then((ok) => (pumped = ok));
        }
        c.upstream = up.conn;
        c.upstreamDeadline = Date.now() + HEAD_TIMEOUT_MS;
        n = (await up.conn.read(buf)) ?? 0;
      } catch (err) {
        if (c.upstreamDeadline < 0) throw new Error("timed out");
        if (!replayable) throw err;
      }
      if (n > 0) break;
      if (!replayable) throw new Error("connection closed by the service");
      safeClose(up.conn);
      up = await pool.open();
      up.readBuf = buf;
    }
    let end = findHeadEnd(buf, 0, n);
    let res: ResponseHead;
    for (;;) {
      while (end < 0) {
        if (n === buf.byteLength) throw new Error("the service sent an oversized response head");
        const k = await up.conn.read(buf.subarray(n)).catch((err) => {
          throw c.upstreamDeadline < 0 ? new Error("timed out") : err;
        });
        if (k === null) throw new Error("the service closed the connection mid-response");
        end = findHeadEnd(buf, Math.max(0, n - 3), n + k);
        n += k;
      }
      res = parseResponseHead(buf, end, head.method);
      if (res.status >= 200 || res.status === 101) break;
      // 1xx informational: skip it and read the real answer.
      buf.copyWithin(0, end, n);
      n -= end;
      end = findHeadEnd(buf, 0, n);
    }
    c.upstream = undefined;
    holding = false;
    pool.headArrived();
    if (res.status === 101) {
      if (head.upgrade !== "websocket") {
        throw new Error("the service switched protocols on a plain HTTP request");
      }
      answered = true;
      r.answered?.(101);
      await writeAll(c.conn, withBody(res, buf, end, n));
      await tunnel(c, up);
      return false;
    }
    answered = true;
    r.answered?.(res.status);
    const start = answerStart(res, buf, end, n);
    const w = await c.conn.write(start.out);
    if (w < start.out.byteLength) await writeAll(c.conn, start.out.subarray(w));
    const reusable = start.done ? start.clean && res.keepAlive : await relayRest(c, up, res, start);
    pool.release(up, reusable && pumped === true);
    return pumped === true && res.framing !== "close" && !head.close;
  } catch (err) {
    c.upstream = undefined;
    if (holding) pool.headArrived();
    safeClose(up.conn);
    if (answered) return false;
    r.answered?.(502);
    await writeAll(c.conn, r.failure(connectionError(err))).catch(() => {});
    return false;
  }
}
