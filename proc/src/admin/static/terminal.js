// hero_proc terminal: xterm.js (served from node_modules) over a WebSocket to a shell in a PTY;
// the terminal follows the size of its box, and the session ends when the shell exits.
import { Terminal } from "../vendor/xterm.mjs";
import { FitAddon } from "../vendor/addon-fit.mjs";

const box = document.querySelector("#terminal");
const state = document.querySelector("#term-state");
const term = new Terminal({
  cursorBlink: true,
  fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", monospace',
  fontSize: 13,
  theme: {
    background: "#070a14",
    foreground: "#d7dcf0",
    cursor: "#22d3ee",
    selectionBackground: "#7c5cff55",
  },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open(box);
fit.fit();
globalThis.heroTerminal = term;
let ws = null;

function setState(html) {
  state.innerHTML = html;
}

function connect() {
  ws?.close();
  const url = new URL(`terminal/ws?cols=${term.cols}&rows=${term.rows}`, document.baseURI);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(url);
  setState(`<span class="pill warn live">connecting</span>`);
  ws.onopen = () => {
    setState(`<span class="pill ok live">connected</span>`);
    term.focus();
  };
  ws.onmessage = (e) => term.write(typeof e.data === "string" ? e.data : new Uint8Array(e.data));
  ws.onclose = (e) => {
    const why = e.reason || (e.code === 1006 ? "connection lost or refused" : `code ${e.code}`);
    setState(
      `<span class="pill ${e.reason?.startsWith("exit") ? "" : "bad"}">closed · ${why}</span>`,
    );
  };
}

term.onData((data) =>
  ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "input", data }))
);
term.onResize(({ cols, rows }) =>
  ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "resize", cols, rows }))
);
new ResizeObserver(() => fit.fit()).observe(box);
document.querySelector("#term-reconnect").addEventListener("click", () => {
  term.reset();
  connect();
});
connect();
