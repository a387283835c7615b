/**
 * The backend half of a WebSocket upgrade: the router, as a client, sends the HTTP/1.1 upgrade
 * over the service's Unix socket, reads the bounded response head, and checks
 * `Sec-WebSocket-Accept` before anything is relayed.
 */

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HEAD_BYTES = 16 * 1024;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** What the relay needs to reach the backend. */
export interface WsBackend {
  socketPath: string;
  /** Path and query for the backend. */
  path: string;
  /** Request headers already cleaned of hop-by-hop fields and carrying `X-Forwarded-*`. */
  headers: [string, string][];
  /** Opens the connection (default: the Unix socket at `socketPath`). */
  connect?: () => Promise<Deno.Conn>;
  /** The `Host` to send (default: the request's). */
  host?: string;
}

/** Thrown when the backend cannot be reached or does not answer the handshake properly. */
export class WsBackendError extends Error {}

/** The backend's answer to the upgrade request. */
export interface Handshake {
  status: number;
  headers: Headers;
  leftover: Uint8Array<ArrayBuffer>;
}

/** Sends the upgrade request and reads the answer (101 or a refusal). */
export async function performHandshake(
  conn: Deno.Conn,
  request: Request,
  backend: WsBackend,
): Promise<Handshake> {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const lines = [
    `GET ${backend.path} HTTP/1.1`,
    `host: ${backend.host ?? request.headers.get("host") ?? "localhost"}`,
    "upgrade: websocket",
    "connection: Upgrade",
    `sec-websocket-key: ${key}`,
    "sec-websocket-version: 13",
  ];
  for (const [k, v] of backend.headers) {
    if (k === "host" || k === "content-length" || k.startsWith("sec-websocket-")) continue;
    lines.push(`${k}: ${v}`);
  }
  const proto = request.headers.get("sec-websocket-protocol");
  if (proto) lines.push(`sec-websocket-protocol: ${proto}`);
  await writeAll(conn, new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  const timer = setTimeout(() => conn.close(), HANDSHAKE_TIMEOUT_MS);
  let buf = new Uint8Array(0);
  let headEnd = -1;
  try {
    const chunk = new Uint8Array(4096);
    while (headEnd < 0) {
      const n = await conn.read(chunk);
      if (n === null) {
        throw new WsBackendError("the service closed the connection during the handshake");
      }
      const next = new Uint8Array(buf.byteLength + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.byteLength);
      buf = next;
      headEnd = indexOfHeadEnd(buf);
      if (headEnd < 0 && buf.byteLength > MAX_HEAD_BYTES) {
        throw new WsBackendError("the service sent an oversized handshake response");
      }
    }
  } catch (err) {
    if (err instanceof WsBackendError) throw err;
    throw new WsBackendError("the service did not answer the WebSocket handshake");
  } finally {
    clearTimeout(timer);
  }
  const head = new TextDecoder().decode(buf.subarray(0, headEnd)).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0])?.[1] ?? NaN);
  if (!Number.isInteger(status)) {
    throw new WsBackendError("the service answered with something that is not HTTP");
  }
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const c = line.indexOf(":");
    if (c <= 0) continue;
    try {
      headers.append(line.slice(0, c).trim(), line.slice(c + 1).trim());
    } catch { /* invalid header from the backend: dropped */ }
  }
  if (status === 101) {
    const expected = await acceptKey(key);
    if (headers.get("sec-websocket-accept") !== expected) {
      throw new WsBackendError("the service sent a wrong Sec-WebSocket-Accept");
    }
  }
  return { status, headers, leftover: buf.slice(headEnd + 4) };
}

/** Writes all of `data`. */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.byteLength) at += await conn.write(data.subarray(at));
}

function indexOfHeadEnd(b: Uint8Array): number {
  for (let i = 3; i < b.byteLength; i++) {
    if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i - 3;
  }
  return -1;
}

async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}
