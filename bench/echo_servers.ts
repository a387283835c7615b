/**
 * The servers compared by the RPC round-trip bench, each started as its own process:
 * `sdk <root>` — a HeroServer with an `echo` method; `bare <socket>` — a plain `node:http`
 * server answering the same JSON-RPC request by hand (the floor any framework is measured
 * against); `bare-deno <socket>` — the same by hand with `Deno.serve`.
 */
import fs from "node:fs";
import http from "node:http";
import process from "node:process";
import { defineApi, defineMethod, HeroServer } from "../sdk/mod.ts";

const [kind, target] = process.argv.slice(process.argv.length - 2);

if (kind === "bare") {
  fs.rmSync(target, { force: true });
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const msg = JSON.parse(body);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: msg.params.value }));
    });
  });
  server.listen(target, () => console.log("ready"));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
} else if (kind === "bare-deno") {
  const deno =
    (globalThis as unknown as { Deno: { serve: (o: object, h: unknown) => unknown } }).Deno;
  fs.rmSync(target, { force: true });
  deno.serve({ path: target, onListen: () => console.log("ready") }, async (req: Request) => {
    const msg = await req.json();
    return new Response(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: msg.params.value }), {
      headers: { "content-type": "application/json" },
    });
  });
} else {
  const api = defineApi({
    info: { title: "Echo", version: "1.0.0" },
    methods: [defineMethod<{ value: unknown }, unknown>({
      name: "echo",
      params: [{ name: "value", schema: {}, required: true }],
      result: { name: "value", schema: {} },
      handler: ({ value }) => value,
    })],
  });
  const server = new HeroServer({ name: "echo", api, socketRoot: target });
  await server.start();
  console.log("ready");
  await server.closeOnSignal();
}
