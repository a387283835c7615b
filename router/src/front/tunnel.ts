/**
 * A WebSocket through the TCP front after the service's 101: bytes both ways, untouched (frames,
 * masks, close codes and extensions are the two ends' business). Each direction writes before
 * it reads again, so a client that does not read leaves the data at the service. When one side
 * ends its stream the end is passed on (half-close) and the other gets two seconds to finish
 * its close handshake before both connections close.
 */
import { type Connection, safeClose, writeAll } from "../http/upstream_io.ts";
import type { ClientConn } from "./client_conn.ts";

const LINGER_MS = 2000;

/** Relays bytes between the client and the service until both ends are done. */
export async function tunnel(c: ClientConn, up: Connection): Promise<void> {
  const down = (async () => {
    for (;;) {
      const n = await up.conn.read(up.readBuf);
      if (n === null) return "down";
      const w = await c.conn.write(up.readBuf.subarray(0, n));
      if (w < n) await writeAll(c.conn, up.readBuf.subarray(w, n));
    }
  })();
  const upward = (async () => {
    if (c.available > 0) {
      await writeAll(up.conn, c.buf.subarray(c.start, c.end));
      c.consume(c.available);
    }
    for (;;) {
      const n = await c.conn.read(c.buf);
      if (n === null) return "up";
      const w = await up.conn.write(c.buf.subarray(0, n));
      if (w < n) await writeAll(up.conn, c.buf.subarray(w, n));
    }
  })();
  const ended = await Promise.race([down.catch(() => "down"), upward.catch(() => "up")]);
  try {
    await (ended === "down" ? c.conn : up.conn).closeWrite();
  } catch { /* already closed */ }
  const timer = setTimeout(() => {
    c.close();
    safeClose(up.conn);
  }, LINGER_MS);
  await Promise.allSettled([down, upward]);
  clearTimeout(timer);
  c.close();
  safeClose(up.conn);
}
