/**
 * Health checks against real servers: tcp, http, socket (a real Hero service's /health over
 * its Unix socket) and exec; an unhealthy process is restarted per its policy.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { defineApi, HeroServer } from "@hero/sdk";
import { openTestSupervisor, tempDir, waitFor } from "../test_support.ts";
import { probe } from "./probes.ts";
import type { HealthSpec } from "../model/spec.ts";

const spec = (type: HealthSpec["type"], target: string[]): HealthSpec => ({
  type,
  target,
  interval_ms: 100,
  timeout_ms: 500,
  start_period_ms: 0,
  retries: 1,
});

test("probes: tcp, http and exec succeed against live targets and fail with a reason otherwise", async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === "/health" ? 200 : 503).end("x");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    assert.equal((await probe(spec("tcp", ["127.0.0.1", String(port)]))).ok, true);
    assert.equal((await probe(spec("http", [`http://127.0.0.1:${port}/health`]))).ok, true);
    const bad = await probe(spec("http", [`http://127.0.0.1:${port}/other`]));
    assert.deepEqual(bad, { ok: false, detail: `http http://127.0.0.1:${port}/other: status 503` });
    assert.equal((await probe(spec("exec", ["true"]))).ok, true);
    assert.match((await probe(spec("exec", ["sh", "-c", "exit 2"]))).detail, /exited with 2/);
    const slow = await probe({ ...spec("exec", ["sleep", "5"]), timeout_ms: 100 });
    assert.deepEqual(slow, { ok: false, detail: "check timed out after 100 ms" });
  } finally {
    server.close();
  }
  const closed = await probe(spec("tcp", ["127.0.0.1", String(port)]));
  assert.equal(closed.ok, false);
  assert.match(closed.detail, /ECONNREFUSED/);
});

test("socket probe reads a real Hero service's /health over its Unix socket", async () => {
  const { dir, cleanup } = tempDir();
  const api = defineApi({ info: { title: "probe target", version: "1.0.0" }, methods: [] });
  let status: "ok" | "down" = "ok";
  const server = new HeroServer({
    name: "probe_target",
    api,
    socketRoot: dir,
    health: () => ({ status }),
  });
  await server.start();
  try {
    const sock = path.join(dir, "probe_target", "rpc.sock");
    assert.deepEqual(await probe(spec("socket", [sock])), {
      ok: true,
      detail: "socket health: ok",
    });
    status = "down";
    assert.equal((await probe(spec("socket", [sock]))).ok, false);
  } finally {
    await server.close();
    cleanup();
  }
  const gone = await probe(spec("socket", [path.join(dir, "probe_target", "rpc.sock")]));
  assert.equal(gone.ok, false);
});

test("a process whose http health check starts failing becomes unhealthy and is restarted", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const flag = path.join(dir, "sick");
  // A tiny HTTP server that answers 500 once the flag file exists.
  const script = `
    const fs = require("fs");
    const s = require("http").createServer((q, r) => r.writeHead(fs.existsSync(${
    JSON.stringify(flag)
  }) ? 500 : 200).end());
    s.listen(0, "127.0.0.1", () => fs.writeFileSync(${
    JSON.stringify(path.join(dir, "port"))
  }, String(s.address().port)));`;
  try {
    const port = 20000 + (process.pid % 20000);
    const fixed = script.replace("s.listen(0,", `s.listen(${port},`);
    await sup.setService({
      name: "webby",
      exec: [process.execPath, "-e", fixed],
      health: {
        http: `http://127.0.0.1:${port}/`,
        interval_ms: 100,
        retries: 2,
        timeout_ms: 500,
        start_period_ms: 3000,
      },
      restart: { policy: "always", delay_ms: 50 },
    });
    const [r] = sup.runners("webby");
    await waitFor("healthy", () => r.health === "healthy", 10_000);
    const firstPid = r.job!.child!.pid;
    const fs = await import("node:fs");
    fs.writeFileSync(flag, "1");
    await waitFor("restarted", () => r.job?.child && r.job.child.pid !== firstPid, 10_000);
    const first = sup.store.listJobs({ service: "webby" }).find((j) => j.pid === firstPid)!;
    assert.equal(first.state, "failed");
    assert.match(first.reason!, /^unhealthy: http .*status 500/);
    assert.equal(first.health, "unhealthy");
    fs.rmSync(flag);
    await waitFor("healthy again", () => r.health === "healthy", 10_000);
  } finally {
    await close();
  }
});
