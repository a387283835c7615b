/**
 * Starts a real RouterApp on a temporary socket root with a TCP listener on a free loopback
 * port, plus helpers to speak raw HTTP (to send headers `fetch` will not, like a foreign Host).
 */
import { silentLogger } from "../log/logger.ts";
import { RouterApp, type RouterAppOptions } from "../server/router_app.ts";
import { tempRoot } from "./fixtures.ts";

/** The admin token of every test router (send it as `Authorization: Bearer`). */
export const ADMIN_TOKEN = "test-admin-token-0123456789";
/** The read-only token of every test router. */
export const READ_TOKEN = "test-read-token-9876543210";
/** Headers carrying the admin token, for requests over TCP. */
export const ADMIN_AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** Headers carrying the read-only token. */
export const READ_AUTH = { authorization: `Bearer ${READ_TOKEN}` };

/** A running router for tests. */
export interface RouterHarness {
  app: RouterApp;
  root: string;
  /** `http://127.0.0.1:<port>` of the TCP listener. */
  base: string;
  port: number;
  /** A client for admin.sock. */
  adminClient: Deno.HttpClient;
  /** A client for rpc.sock. */
  rpcClient: Deno.HttpClient;
  close: () => Promise<void>;
}

/** Starts a router; `opts` overrides the defaults (one TCP listener on 127.0.0.1:0). */
export async function startRouter(opts: Partial<RouterAppOptions> = {}): Promise<RouterHarness> {
  const { root, cleanup } = await tempRoot();
  const app = new RouterApp({
    socketRoot: root,
    binds: [{ hostname: "127.0.0.1", port: 0 }],
    logger: silentLogger,
    scanIntervalMs: 0,
    tokens: { admin: ADMIN_TOKEN, read: READ_TOKEN },
    ...opts,
  });
  await app.start();
  const addr = app.tcpAddresses[0] ?? "127.0.0.1:0";
  const port = Number(addr.slice(addr.lastIndexOf(":") + 1));
  const adminClient = Deno.createHttpClient({
    proxy: { transport: "unix", path: app.sockets.admin },
  });
  const rpcClient = Deno.createHttpClient({ proxy: { transport: "unix", path: app.sockets.rpc } });
  return {
    app,
    root,
    base: `http://127.0.0.1:${port}`,
    port,
    adminClient,
    rpcClient,
    close: async () => {
      adminClient.close();
      rpcClient.close();
      await app.close();
      await cleanup();
    },
  };
}

/** Sends raw bytes to a TCP port and returns the whole response text (connection: close). */
export async function rawHttp(
  port: number,
  request: string,
  hostname = "127.0.0.1",
): Promise<string> {
  const conn = await Deno.connect({ hostname, port });
  try {
    await conn.write(new TextEncoder().encode(request));
    let out = "";
    const buf = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      out += new TextDecoder().decode(buf.subarray(0, n));
      if (complete(out)) break;
    }
    return out;
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

/** The status code of a raw HTTP response. */
export function statusOf(raw: string): number {
  return Number(raw.slice(9, 12));
}

/** True once a response's head and its content-length worth of body have arrived. */
function complete(raw: string): boolean {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return false;
  if (raw.startsWith("HTTP/1.1 101")) return true;
  const m = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, end));
  return m !== null && new TextEncoder().encode(raw.slice(end + 4)).byteLength >= Number(m[1]);
}
