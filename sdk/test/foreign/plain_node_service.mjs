// A Hero-protocol service written without the SDK: plain node:http on a Unix socket, routing on
// the request line's path (`req.url === "/rpc"`) as hand-written servers do. Usage:
//   node plain_node_service.mjs SOCKET_ROOT NAME
// It also serves `<root>/<name>_broken/rpc.sock`, which answers every request with HTTP 502 and
// a text body (a proxy in front of a dead upstream), for clients' error reporting.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { answer, OPENRPC } from "./plain_rpc.mjs";

const [root, name] = process.argv.slice(2);
const listen = (dir, handler) => {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sock = path.join(dir, "rpc.sock");
  fs.rmSync(sock, { force: true });
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(sock, () => resolve(server)));
};

const json = (res, status, value) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
};

const servers = [
  await listen(path.join(root, name), (req, res) => {
    if (req.method === "POST" && req.url === "/rpc") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const reply = answer(body);
        if (reply === undefined) return void res.writeHead(204).end();
        json(res, 200, reply);
      });
    } else if (req.method === "GET" && req.url === "/openrpc.json") json(res, 200, OPENRPC);
    else if (req.method === "GET" && req.url === "/health") {
      json(res, 200, { status: "ok", service: name, version: "1.0.0", uptime_s: 1 });
    } else if (req.url === "/.well-known/heroservice.json") {
      json(res, 200, { protocol: "openrpc", name, title: name, version: "1.0.0", socket: "rpc" });
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`no route for ${req.method} ${req.url}\n`);
    }
  }),
  await listen(path.join(root, `${name}_broken`), (_req, res) => {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end("upstream is down\n");
  }),
];
console.log("ready");
const stop = () => {
  for (const s of servers) s.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
