/** `hero_proc logs` as a real CLI process against a daemon: filters, JSON, tree, follow, bad input. */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";
import { resolvePaths } from "../daemon/paths.ts";
import { serveDaemon } from "../daemon/serve.ts";
import { tempDir, waitFor } from "../test_support.ts";

const launcher = fileURLToPath(new URL("../../bin/hero_proc.mjs", import.meta.url));

test("hero_proc logs: prefix, level, grep, since, job, json, tree, follow", async () => {
  const t = tempDir("hero_logs_cli_");
  const paths = resolvePaths({
    stateDir: path.join(t.dir, "state"),
    configDir: path.join(t.dir, "cfg"),
    socketDir: path.join(t.dir, "s"),
  });
  process.env.HERO_PROC_LOG_MIN_FREE = "0";
  const d = await serveDaemon(paths);
  delete process.env.HERO_PROC_LOG_MIN_FREE;
  const client = new RpcClient(paths.rpcSocket);
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [launcher, ...args, "--socket-dir", paths.socketRoot], {
        env: { ...process.env, NO_COLOR: "1" },
      }, (e, out, err) => resolve({ code: e ? Number(e.code) : 0, out, err }));
    });
  try {
    const now = Date.now();
    await client.call("logs.insert", {
      lines: [
        { ts: now - 3 * 3600_000, source: "web.http", level: "info", message: "old request" },
        { ts: now - 1000, source: "web.http", level: "info", message: "GET /index" },
        {
          ts: now - 900,
          source: "web.db",
          level: "error",
          message: "deadlock detected",
          fields: { table: "users" },
        },
        { ts: now - 800, source: "worker.q", level: "warn", message: "queue is long", job_id: 77 },
      ],
    });
    let r = await cli("logs", "web");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out.trim().split("\n").map((l) => l.replace(/^\S+ \S+ \S+ +/, "")), [
      "web.http old request",
      "web.http GET /index",
      `web.db deadlock detected {"table":"users"}`,
    ]);
    r = await cli("logs", "--level", "warn");
    assert.match(r.out, /ERROR web\.db deadlock detected/);
    assert.match(r.out, /WARN {2}worker\.q queue is long/);
    assert.doesNotMatch(r.out, /INFO/);
    r = await cli("logs", "--grep", "deadlock", "--json");
    const parsed = r.out.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(parsed.map((l) => l.message), ["deadlock detected"]);
    r = await cli("logs", "web", "--since", "1h");
    assert.doesNotMatch(r.out, /old request/);
    r = await cli("logs", "77");
    assert.match(r.out, /queue is long/);
    assert.equal(r.out.trim().split("\n").length, 1);
    r = await cli("logs", "--tree");
    assert.match(r.out, /^\(all\) {2}4 lines/);
    assert.match(r.out, /\n {2}web {2}3 lines/);
    assert.match(r.out, /\n {4}http {2}2 lines/);
    r = await cli("logs", "--level", "loud");
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown log level "loud"|must be one of|level/);

    const follower = spawn(process.execPath, [
      launcher,
      "logs",
      "worker",
      "-f",
      "--socket-dir",
      paths.socketRoot,
    ], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    follower.stdout.on("data", (c) => (out += c));
    await waitFor("backlog printed", () => out.includes("queue is long"), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await client.call("logs.insert", {
      lines: [{ source: "worker.q", message: "live one" }, {
        source: "web.x",
        message: "not shown",
      }],
    });
    await waitFor("live line", () => out.includes("live one"), 10_000);
    follower.kill("SIGINT");
    const code = await new Promise((r) => follower.once("exit", r));
    assert.equal(code, 0);
    assert.doesNotMatch(out, /not shown/);
  } finally {
    client.close();
    await d.close();
    t.cleanup();
  }
});
