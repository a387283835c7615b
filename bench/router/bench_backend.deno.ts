/**
 * The backend of the router benchmarks: binds `rpc.sock` and `admin.sock` for N services under
 * a socket root, answering the discovery probes (OpenRPC, /health, manifest), a WebSocket echo
 * at `/ws`, a fixed 64 KB JSON document at `/big.json` and a fixed 1 KB JSON document at any
 * other path. With `BENCH_TCP_PORT` set it also serves the same handler on 127.0.0.1:PORT: the
 * "Deno.serve answering directly" row (the runtime's floor, no proxy hop). Prints "ready" once
 * every socket is bound.
 *
 * Usage: deno run -A bench/router/bench_backend.deno.ts ROOT COUNT [PREFIX] [SOCKETS]
 * (SOCKETS is a comma-separated list, default "rpc,admin").
 */
const [root, countText, prefix = "svc", socketList = "rpc,admin"] = Deno.args;
const count = Number(countText ?? "1");
const tcpPort = Number(Deno.env.get("BENCH_TCP_PORT") ?? 0);

/** A JSON document of exactly `size` bytes. */
function document(size: number): Uint8Array<ArrayBuffer> {
  const item = { id: 0, name: "benchmark item", tags: ["a", "b", "c"], text: "" };
  item.text = "x".repeat(size - JSON.stringify(item).length);
  return new TextEncoder().encode(JSON.stringify(item));
}
const small = document(1024);
const big = document(64 * 1024);
const jsonHeaders = { "content-type": "application/json" };

function documents(name: string) {
  const openrpc = JSON.stringify({
    openrpc: "1.3.2",
    info: { title: `Bench ${name}`, version: "1.0.0" },
    methods: [{ name: "ping", params: [], result: { name: "pong", schema: { type: "string" } } }],
  });
  const health = JSON.stringify({ status: "ok", service: name, version: "1.0.0", uptime_s: 0 });
  const manifest = (socket: string) =>
    JSON.stringify({
      protocol: socket === "rpc" ? "openrpc" : "ui",
      name,
      title: `Bench ${name}`,
      version: "1.0.0",
      description: "",
      socket,
    });
  return { openrpc, health, manifest };
}

function handler(name: string, socket: string) {
  const docs = documents(name);
  const manifest = docs.manifest(socket);
  return (req: Request): Response => {
    const url = req.url;
    const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
    if (path.endsWith("/item.json")) return new Response(small, { headers: jsonHeaders });
    if (path.endsWith("/big.json")) return new Response(big, { headers: jsonHeaders });
    if (path.endsWith("/ws")) return echo(req);
    if (path === "/openrpc.json") return new Response(docs.openrpc, { headers: jsonHeaders });
    if (path === "/health") return new Response(docs.health, { headers: jsonHeaders });
    if (path === "/.well-known/heroservice.json") {
      return new Response(manifest, { headers: jsonHeaders });
    }
    return new Response(small, { headers: jsonHeaders });
  };
}

/** WebSocket echo: every message is sent back as it came. */
function echo(req: Request): Response {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return new Response("WebSocket only", { status: 426 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e) => socket.send(e.data);
  return response;
}

const servers: Deno.HttpServer[] = [];
let first: ((req: Request) => Response) | undefined;
for (let i = 0; i < count; i++) {
  const name = count === 1 ? prefix : `${prefix}_${String(i).padStart(4, "0")}`;
  const dir = `${root}/${name}`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const socket of socketList.split(",")) {
    const { promise, resolve } = Promise.withResolvers<void>();
    const h = handler(name, socket);
    first ??= h;
    servers.push(Deno.serve({ path: `${dir}/${socket}.sock`, onListen: () => resolve() }, h));
    await promise;
  }
}
if (tcpPort && first) {
  const { promise, resolve } = Promise.withResolvers<void>();
  servers.push(
    Deno.serve({ hostname: "127.0.0.1", port: tcpPort, onListen: () => resolve() }, first),
  );
  await promise;
}
console.log("ready");
const stop = async () => {
  await Promise.all(servers.map((s) => s.shutdown()));
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
