// The one WebSocket of a tab: JSON-RPC calls to hero_collab and its event stream. The cursor
// (last seq seen) survives reconnects, so the stream resumes exactly where it stopped; events
// at or below the cursor are ignored, so nothing is applied twice.
export class Live {
  constructor(onEvent, onEphemeral, onStatus, onResync) {
    this.onEvent = onEvent;
    this.onEphemeral = onEphemeral;
    this.onStatus = onStatus;
    this.onResync = onResync;
    this.cursor = -1;
    this.nextId = 1;
    this.pending = new Map();
    this.queue = [];
    this.backoff = 250;
  }

  /** Connects; resolves once the first subscription is live. */
  start(cursor) {
    this.cursor = cursor;
    this.connect();
    return new Promise((resolve) => (this.ready = resolve));
  }

  connect() {
    const url = new URL("ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    this.ws = ws;
    this.onStatus("connecting");
    ws.onopen = async () => {
      this.backoff = 250;
      for (const text of this.queue.splice(0)) ws.send(text);
      try {
        const params = this.cursor >= 0 ? { cursor: this.cursor } : {};
        const { head } = await this.call("live.subscribe", params);
        this.cursor = Math.max(this.cursor, head);
        this.onStatus("live");
        this.ready?.();
        this.ready = undefined;
      } catch (err) {
        this.onStatus("error: " + err.message);
      }
    };
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = () => {
      for (const [, p] of this.pending) p.reject(new Error("connection lost"));
      this.pending.clear();
      this.onStatus("reconnecting");
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 5000);
    };
  }

  receive(msg) {
    if (msg.id !== undefined && (msg.result !== undefined || msg.error)) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (!p) return;
      if (msg.error) {
        p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      } else p.resolve(msg.result);
      return;
    }
    if (msg.method === "collab.event") {
      const e = msg.params;
      if (e.seq <= this.cursor) return;
      this.cursor = e.seq;
      this.onEvent(e);
    } else if (msg.method === "collab.ephemeral") this.onEphemeral(msg.params);
    else if (msg.method === "collab.resync") {
      this.cursor = msg.params.head;
      this.onResync();
    }
  }

  /** Calls an API method over the socket. */
  call(method, params = {}) {
    const id = this.nextId++;
    const text = JSON.stringify({ jsonrpc: "2.0", id, method, params });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
      else this.queue.push(text);
    });
  }
}
