/**
 * The "least a Deno proxy can do" reference row of the proxy bench: `Deno.listen` and, per
 * client connection, one connection to the backend socket; each request head is found, its
 * path shortened, and request and answer are relayed as bytes (Content-Length answers only). No
 * gate, no header rules, no pool, no WebSocket: what is left is the runtime's cost of four
 * socket operations per request. Prints "ready".
 *
 * Usage: deno run -A bench/router/raw_relay.deno.ts SOCKET PORT PREFIX
 */
const [socket, portText, prefix] = Deno.args;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function headEnd(b: Uint8Array, to: number): number {
  for (let i = 3; i < to; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  }
  return -1;
}

async function serve(conn: Deno.Conn): Promise<void> {
  const back = await Deno.connect({ transport: "unix", path: socket });
  const buf = new Uint8Array(16 * 1024);
  const res = new Uint8Array(128 * 1024);
  try {
    for (;;) {
      let n = 0;
      let end = -1;
      while (end < 0) {
        const r = await conn.read(buf.subarray(n));
        if (r === null) return;
        n += r;
        end = headEnd(buf, n);
      }
      const head = decoder.decode(buf.subarray(0, end));
      const sp = head.indexOf(" ");
      await back.write(encoder.encode(head.slice(0, sp + 1) + head.slice(sp + 1 + prefix.length)));
      let m = 0;
      let rend = -1;
      while (rend < 0) {
        const r = await back.read(res.subarray(m));
        if (r === null) return;
        m += r;
        rend = headEnd(res, m);
      }
      const length = Number(
        /content-length: *(\d+)/i.exec(decoder.decode(res.subarray(0, rend)))?.[1],
      );
      while (m < rend + length) m += (await back.read(res.subarray(m))) ?? 0;
      await conn.write(res.subarray(0, rend + length));
    }
  } catch {
    /* a side went away */
  } finally {
    for (const c of [conn, back]) {
      try {
        c.close();
      } catch { /* closed */ }
    }
  }
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: Number(portText) });
console.log("ready");
for await (const conn of listener) serve(conn);
