#!/usr/bin/env node
// The image's HEALTHCHECK: hero_proc's own GET /health on its rpc.sock. Exit 0 when it says
// "ok"; otherwise 1, with what it said (shown by `docker inspect` / `podman healthcheck run`).
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";

const root = process.env.PATH_SOCKET || process.env.HERO_SOCKET_DIR ||
  path.join(os.homedir(), "hero/var/sockets");
const socketPath = path.join(root, "hero_proc/rpc.sock");
const req = http.get({ socketPath, path: "/health", timeout: 2500 }, (res) => {
  let body = "";
  res.on("data", (c) => (body += c));
  res.on("end", () => {
    let status = "";
    try {
      status = JSON.parse(body).status;
    } catch {
      // Reported below.
    }
    console.log(`hero_proc ${status || `answered HTTP ${res.statusCode}`}`);
    process.exit(status === "ok" ? 0 : 1);
  });
});
req.on("timeout", () => req.destroy(new Error("no answer within 2.5 s")));
req.on("error", (e) => {
  console.log(`hero_proc unreachable at ${socketPath}: ${e.message}`);
  process.exit(1);
});
