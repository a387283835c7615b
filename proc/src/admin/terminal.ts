/**
 * The admin terminal: a WebSocket (the `ws` package, no server of its own) bridged to a shell
 * in a PTY (node-pty). The browser sends JSON `{type:"input",data}` and `{type:"resize",cols,rows}`;
 * the server sends the PTY's output as text frames and closes with code 1000 and reason
 * `exit <code>` when the shell ends. Closing the socket kills the shell's process group.
 * node-pty is an optional dependency (it builds from source): without it the terminal sends
 * the reason as text and closes with 1011 `terminal unavailable`, and everything else works.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import process from "node:process";
import type * as NodePty from "node-pty";
import { WebSocketServer } from "ws";

/** Options of {@link TerminalServer}. */
export interface TerminalOptions {
  /** The shell (default `$SHELL`, else `/bin/bash`). */
  shell?: string;
  /** Its working directory (default the home directory). */
  cwd?: string;
  /** Most terminals open at once (default 8). */
  maxSessions?: number;
  /** Loads node-pty (default `import("node-pty")`). */
  loadPty?: () => Promise<typeof NodePty>;
}

/** Why node-pty cannot be loaded, for people: what is missing and how to get it. */
export function ptyUnavailableReason(err: unknown): string {
  const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return `The terminal is unavailable: node-pty (an optional dependency built from source) ` +
    `could not be loaded (${detail}). Install a C++ toolchain (make, g++, python3) and run ` +
    `npm install again; every other part of hero_proc works without it.`;
}

/** Opens terminals for upgraded WebSocket requests. */
export class TerminalServer {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  readonly #opts: TerminalOptions;
  readonly #sessions = new Set<{ kill: () => void }>();
  #pty?: Promise<typeof NodePty>;

  /** Nothing is spawned until a browser connects. */
  constructor(opts: TerminalOptions = {}) {
    this.#opts = opts;
  }

  /** Number of open terminals. */
  get open(): number {
    return this.#sessions.size;
  }

  /** Completes the upgrade (already authorised by the caller) and starts a shell. */
  accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    size?: { cols: number; rows: number },
  ): void {
    if (this.#sessions.size >= (this.#opts.maxSessions ?? 8)) {
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nToo many terminals are open\n",
      );
      return;
    }
    if (!this.#pty) {
      this.#pty = (this.#opts.loadPty ?? (() => import("node-pty")))();
      this.#pty.catch(() => {}); // reported to each browser that asks for a terminal
    }
    this.#wss.handleUpgrade(req, socket, head, async (ws) => {
      let spawnPty: typeof NodePty.spawn;
      try {
        spawnPty = (await this.#pty!).spawn;
      } catch (err) {
        ws.send(`\r\n${ptyUnavailableReason(err)}\r\n`);
        ws.close(1011, "terminal unavailable: node-pty is not installed");
        return;
      }
      const shell = this.#opts.shell ?? process.env.SHELL ?? "/bin/bash";
      const pty = spawnPty(shell, [], {
        name: "xterm-256color",
        cols: clamp(size?.cols ?? 100, 2, 500),
        rows: clamp(size?.rows ?? 30, 2, 300),
        cwd: this.#opts.cwd ?? process.env.HOME ?? "/",
        env: {
          ...process.env,
          TERM: "xterm-256color",
          COLORTERM: "truecolor",
          LANG: process.env.LANG ?? "C.UTF-8",
        },
        encoding: "utf8",
      });
      const session = {
        kill: () => {
          try {
            process.kill(-pty.pid, "SIGHUP");
          } catch { /* already gone */ }
          try {
            pty.kill("SIGHUP");
          } catch { /* already gone */ }
        },
      };
      this.#sessions.add(session);
      pty.onData((data) => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      });
      pty.onExit(({ exitCode }) => {
        this.#sessions.delete(session);
        if (ws.readyState === ws.OPEN) {
          ws.send(`\r\n\x1b[2m[shell exited with code ${exitCode}]\x1b[0m\r\n`);
          ws.close(1000, `exit ${exitCode}`);
        }
      });
      ws.on("message", (raw, isBinary) => {
        const text = raw.toString();
        if (isBinary) return void pty.write(text);
        let msg: { type?: string; data?: unknown; cols?: unknown; rows?: unknown };
        try {
          msg = JSON.parse(text);
        } catch {
          return void pty.write(text);
        }
        if (msg.type === "input" && typeof msg.data === "string") pty.write(msg.data);
        else if (
          msg.type === "resize" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)
        ) {
          pty.resize(clamp(msg.cols as number, 2, 500), clamp(msg.rows as number, 2, 300));
        }
      });
      ws.on("close", () => {
        this.#sessions.delete(session);
        session.kill();
      });
    });
  }

  /** Kills every shell and closes every socket. */
  close(): void {
    for (const s of this.#sessions) s.kill();
    this.#sessions.clear();
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.floor(n)));
}
