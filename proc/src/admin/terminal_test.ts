/** The admin terminal when node-pty cannot be loaded: the browser is told why, nothing crashes. */
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { test } from "node:test";
import WebSocket from "ws";
import { tempDir } from "../test_support.ts";
import { TerminalServer } from "./terminal.ts";

test("without node-pty the terminal sends the reason and closes with 1011", async () => {
  const t = tempDir("hero_term_");
  const sock = path.join(t.dir, "admin.sock");
  const terminal = new TerminalServer({
    loadPty: () => Promise.reject(new Error("Cannot find module 'node-pty'")),
  });
  const server = http.createServer((_req, res) => res.end());
  server.on("upgrade", (req, socket: Duplex, head: Buffer) => terminal.accept(req, socket, head));
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const ws = new WebSocket(`ws+unix://${sock}:/terminal/ws`);
    let text = "";
    ws.on("message", (d) => (text += d.toString()));
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
      ws.on("error", reject);
    });
    assert.deepEqual(closed, {
      code: 1011,
      reason: "terminal unavailable: node-pty is not installed",
    });
    assert.match(
      text,
      /The terminal is unavailable: node-pty .* could not be loaded \(Cannot find module 'node-pty'\)/,
    );
    assert.match(text, /npm install again; every other part of hero_proc works without it/);
    assert.equal(terminal.open, 0);
  } finally {
    terminal.close();
    server.close();
    t.cleanup();
  }
});
