/**
 * WebSocket relay: the browser side is upgraded by Deno, the backend side is a raw HTTP/1.1
 * upgrade over the service's Unix socket with our own framing. Text, binary and close codes pass
 * through; backend-to-browser reads pause while the browser is slow (backpressure), and the
 * browser-to-backend queue is bounded.
 */
import { closePayload, encodeFrame, FrameParser, Opcode, parseClose } from "./ws_frames.ts";
import { withoutHopByHop } from "../http/hop_by_hop.ts";
import {
  type Handshake,
  performHandshake,
  writeAll,
  type WsBackend,
  WsBackendError,
} from "./ws_handshake.ts";

export { type WsBackend, WsBackendError };

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const HIGH_WATER = 1024 * 1024;

/** Upgrades `request` and relays it to the backend, or returns the backend's refusal. */
export async function relayWebSocket(request: Request, backend: WsBackend): Promise<Response> {
  const conn = backend.connect
    ? await backend.connect()
    : await Deno.connect({ transport: "unix", path: backend.socketPath });
  let handshake: Handshake;
  try {
    handshake = await performHandshake(conn, request, backend);
  } catch (err) {
    conn.close();
    throw err instanceof WsBackendError ? err : new WsBackendError((err as Error).message);
  }
  if (handshake.status !== 101) {
    conn.close();
    return new Response(handshake.leftover.byteLength ? handshake.leftover : null, {
      status: handshake.status,
      headers: withoutHopByHop(handshake.headers),
    });
  }
  const protocol = handshake.headers.get("sec-websocket-protocol") ?? undefined;
  const { socket, response } = Deno.upgradeWebSocket(request, { protocol });
  for (const [k, v] of withoutHopByHop(handshake.headers)) {
    if (!k.startsWith("sec-websocket-") && k !== "content-length") response.headers.append(k, v);
  }
  startRelay(socket, conn, handshake.leftover);
  return response;
}

function startRelay(socket: WebSocket, conn: Deno.Conn, leftover: Uint8Array): void {
  socket.binaryType = "arraybuffer";
  let queued = 0;
  let writing: Promise<void> = Promise.resolve();
  let backendClosed = false;
  let clientClosed = false;
  const send = (opcode: number, payload: Uint8Array) => {
    if (backendClosed) return;
    const frame = encodeFrame(opcode, payload);
    queued += frame.byteLength;
    if (queued > MAX_MESSAGE_BYTES) {
      closeClient(1009, "backend is not keeping up");
      shutdown();
      return;
    }
    writing = writing.then(() => writeAll(conn, frame)).then(
      () => void (queued -= frame.byteLength),
      () => shutdown(),
    );
  };
  const shutdown = () => {
    if (backendClosed) return;
    backendClosed = true;
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  const closeClient = (code?: number, reason?: string) => {
    if (clientClosed) return;
    clientClosed = true;
    try {
      if (code === undefined || code === 1005) socket.close();
      else socket.close(code, reason);
    } catch {
      try {
        socket.close(1000, reason);
      } catch { /* already closing */ }
    }
  };
  socket.onmessage = (e) => {
    if (typeof e.data === "string") send(Opcode.Text, new TextEncoder().encode(e.data));
    else send(Opcode.Binary, new Uint8Array(e.data as ArrayBuffer));
  };
  socket.onclose = (e) => {
    clientClosed = true;
    const code = e.code === 1005 || e.code === 1006 ? undefined : e.code;
    send(Opcode.Close, closePayload(code, e.reason));
    // Give the backend a moment to answer the close, then drop the connection.
    writing.then(() => setTimeout(shutdown, 2000));
  };
  socket.onerror = () => shutdown();
  const opened = new Promise<void>((resolve) => {
    if (socket.readyState === WebSocket.OPEN) resolve();
    else socket.addEventListener("open", () => resolve(), { once: true });
  });
  (async () => {
    await opened;
    const parser = new FrameParser(MAX_MESSAGE_BYTES);
    if (leftover.byteLength) parser.push(leftover);
    const parts: Uint8Array[] = [];
    let partsOpcode = 0;
    let partsSize = 0;
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      for (let f = parser.next(); f; f = parser.next()) {
        if (f.opcode === Opcode.Ping) send(Opcode.Pong, f.payload);
        else if (f.opcode === Opcode.Pong) continue;
        else if (f.opcode === Opcode.Close) {
          const { code, reason } = parseClose(f.payload);
          send(Opcode.Close, f.payload);
          closeClient(code, reason);
          await writing;
          shutdown();
          return;
        } else {
          if (f.opcode !== Opcode.Continuation) partsOpcode = f.opcode;
          parts.push(f.payload);
          partsSize += f.payload.byteLength;
          if (partsSize > MAX_MESSAGE_BYTES) throw new Error("message too large");
          if (!f.fin) continue;
          const message = concat(parts, partsSize);
          parts.length = 0;
          partsSize = 0;
          if (clientClosed) continue;
          if (partsOpcode === Opcode.Text) socket.send(new TextDecoder().decode(message));
          else socket.send(message);
        }
      }
      // Backpressure: stop reading from the backend while the browser has not taken its data.
      while (socket.bufferedAmount > HIGH_WATER && !clientClosed) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const n = await conn.read(buf);
      if (n === null) break;
      parser.push(buf.slice(0, n));
    }
    closeClient(1011, "the service closed the connection");
    shutdown();
  })().catch(() => {
    closeClient(1011, "relay error");
    shutdown();
  });
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
