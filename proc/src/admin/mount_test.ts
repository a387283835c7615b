/**
 * The admin UI is loaded on first use: a daemon whose first admin contact is a burst of page
 * requests, or a terminal WebSocket, serves them all from the one load.
 */
import assert from "node:assert/strict";
import http from "node:http";
import process from "node:process";
import { test } from "node:test";
import WebSocket from "ws";
import { resolvePaths } from "../daemon/paths.ts";
import { serveDaemon } from "../daemon/serve.ts";
import { tempDir, waitFor } from "../test_support.ts";

const TOKEN = "mount-test-token";

async function daemon() {
  const dir = tempDir("hero_proc_mount_");
  process.env.HERO_ADMIN_TOKEN = TOKEN;
  const paths = resolvePaths({
    socketDir: `${dir.dir}/s`,
    stateDir: `${dir.dir}/state`,
    configDir: `${dir.dir}/cfg`,
  });
  const d = await serveDaemon(paths);
  return {
    adminSock: `${paths.socketRoot}/hero_proc/admin.sock`,
    close: async () => {
      await d.close();
      delete process.env.HERO_ADMIN_TOKEN;
      dir.cleanup();
    },
  };
}

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

test("twenty concurrent first admin requests all get their page", async () => {
  const harness = await daemon();
  try {
    const paths = ["/", "/jobs", "/logs", "/api/services", "/nope"];
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(harness.adminSock, paths[i % paths.length])),
    );
    for (const [i, r] of replies.entries()) {
      const path = paths[i % paths.length];
      if (path === "/nope") assert.equal(r.status, 404, path);
      else if (path === "/api/services") {
        assert.deepEqual([r.status, JSON.parse(r.body)], [200, []]);
      } else assert.match(r.body, /<html/i, path);
    }
  } finally {
    await harness.close();
  }
});

test("a terminal WebSocket as the first admin contact opens a shell", async () => {
  const harness = await daemon();
  try {
    const ws = new WebSocket(`ws+unix://${harness.adminSock}:/terminal/ws?cols=80&rows=24`, {
      headers: { cookie: `hero_admin=${TOKEN}` },
    });
    let out = "";
    ws.on("message", (d) => (out += d.toString()));
    await new Promise((resolve, reject) => (ws.on("open", resolve), ws.on("error", reject)));
    ws.send(JSON.stringify({ type: "input", data: "echo lazy-$((6*7))\r" }));
    await waitFor("echo output", () => out.includes("lazy-42"));
    const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
    ws.send(JSON.stringify({ type: "input", data: "exit 0\r" }));
    assert.equal(await closed, 1000);
  } finally {
    await harness.close();
  }
});
