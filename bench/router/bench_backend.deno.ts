/**
 * The backend of the router benchmarks: binds `rpc.sock` and `admin.sock` for N services under
 * a socket root, answering the discovery probes (OpenRPC, /health, manifest) and serving a fixed
 * 1 KB JSON document at any other path. Prints "ready" once every socket is bound.
 *
 * Usage: deno run -A bench/router/bench_backend.deno.ts ROOT COUNT [PREFIX] [SOCKETS]
 * (SOCKETS is a comma-separated list, default "rpc,admin").
 */
const [root, countText, prefix = "svc", socketList = "rpc,admin"] = Deno.args;
const count = Number(countText ?? "1");

const item = { id: 0, name: "benchmark item", tags: ["a", "b", "c"], text: "" };
item.text = "x".repeat(1024 - JSON.stringify(item).length);
const payload = new TextEncoder().encode(JSON.stringify(item));
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
    const path = new URL(req.url).pathname;
    if (path === "/openrpc.json") return new Response(docs.openrpc, { headers: jsonHeaders });
    if (path === "/health") return new Response(docs.health, { headers: jsonHeaders });
    if (path === "/.well-known/heroservice.json") {
      return new Response(manifest, { headers: jsonHeaders });
    }
    return new Response(payload, { headers: jsonHeaders });
  };
}

const servers: Deno.HttpServer[] = [];
for (let i = 0; i < count; i++) {
  const name = count === 1 ? prefix : `${prefix}_${String(i).padStart(4, "0")}`;
  const dir = `${root}/${name}`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const socket of socketList.split(",")) {
    const { promise, resolve } = Promise.withResolvers<void>();
    servers.push(
      Deno.serve(
        { path: `${dir}/${socket}.sock`, onListen: () => resolve() },
        handler(name, socket),
      ),
    );
    await promise;
  }
}
console.log("ready");
const stop = async () => {
  await Promise.all(servers.map((s) => s.shutdown()));
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
