/**
 * The floor of the hero_collab delivery bench: a plain WebSocket server (the same `ws` library)
 * on a Unix socket that sends every message it receives to every other connected client,
 * unchanged — no parsing, storage, permissions or cursor. Prints "ready" once listening.
 */
import fs from "node:fs";
import http from "node:http";
import process from "node:process";
import { WebSocket, WebSocketServer } from "ws";

const socketPath = process.argv[process.argv.length - 1];
fs.rmSync(socketPath, { force: true });
const server = http.createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    for (const peer of wss.clients) {
      if (peer !== ws && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    }
  });
});
server.listen(socketPath, () => console.log("ready"));
process.on("SIGTERM", () => {
  for (const c of wss.clients) c.terminate();
  server.close(() => process.exit(0));
});
