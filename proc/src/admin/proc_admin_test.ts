/**
 * hero_proc's admin on a real daemon and real sockets: pages and assets, JSON, the live log
 * stream, refusals to callers without write access (as hero_router's signed assertion names
 * them), and the terminal WebSocket running `echo`.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { type Caller, RpcClient } from "@hero/sdk";
import { CALLER_HEADER, CallerSigner } from "@hero/sdk/internal";
import WebSocket from "ws";
import { resolvePaths } from "../daemon/paths.ts";
import { type Daemon, serveDaemon } from "../daemon/serve.ts";
import { tempDir, waitFor } from "../test_support.ts";

let dir: ReturnType<typeof tempDir>;
let daemon: Daemon;
let rpc: RpcClient;
let adminSock: string;
let signer: CallerSigner;
const ADMIN: Caller = { subject: "user:a", name: "alice", via: "cookie", scopes: ["hero:admin"] };
const READER: Caller = { subject: "user:r", name: "rita", via: "cookie", scopes: ["hero:read"] };
/** The assertion hero_router would send for `caller`. */
const as = async (caller: Caller) => ({ [CALLER_HEADER]: await signer.sign(caller, "hero_proc") });

before(async () => {
  dir = tempDir("hero_proc_admin_");
  const paths = resolvePaths({
    socketDir: `${dir.dir}/s`,
    stateDir: `${dir.dir}/state`,
    configDir: `${dir.dir}/cfg`,
  });
  daemon = await serveDaemon(paths);
  signer = await CallerSigner.create(paths.socketRoot);
  rpc = new RpcClient(paths.rpcSocket);
  adminSock = `${paths.socketRoot}/hero_proc/admin.sock`;
  await rpc.call("service.set", {
    service: { name: "echoer", actions: { main: { exec: "echo started; exec sleep 30" } } },
  });
});

after(async () => {
  rpc.close();
  await daemon.close();
  dir.cleanup();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  path: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: adminSock,
      path,
      method: opts.method ?? "GET",
      headers: opts.headers,
    }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const viaRouter = {
  "x-forwarded-for": "127.0.0.1",
  "x-forwarded-prefix": "/hero_proc/admin",
  "x-forwarded-host": "127.0.0.1:9988",
};

test("pages render in the shared theme, with the proxy prefix as <base>", async () => {
  for (const page of ["/", "/jobs", "/logs", "/terminal"]) {
    const r = await request(page, { headers: viaRouter });
    assert.equal(r.status, 200, page);
    assert.match(r.body, /<base href="\/hero_proc\/admin\/">/);
    assert.match(r.body, /href="css\/hero.css"/);
  }
  const direct = await request("/");
  assert.doesNotMatch(direct.body, /<base href="\/hero_proc/);
  assert.match((await request("/css/hero.css")).body, /--accent/);
  assert.match((await request("/vendor/xterm.mjs")).headers["content-type"]!, /javascript/);
  assert.match((await request("/vendor/xterm.css")).body, /\.xterm/);
  assert.equal((await request("/vendor/../package.json")).status, 404);
});

test("the terminal page asks for the session when the browser has none", async () => {
  const r = await request("/terminal", { headers: viaRouter });
  assert.match(r.body, /needs an admin session/);
  assert.doesNotMatch(r.body, /js\/terminal.js/);
});

test("service list and actions: refused without write access, done with it", async () => {
  await waitFor("echoer running", async () => {
    const list = JSON.parse((await request("/api/services")).body) as {
      name: string;
      state: string;
    }[];
    return list.find((s) => s.name === "echoer")?.state === "running";
  });
  const refused = await request("/api/services/echoer/stop", {
    method: "POST",
    headers: viaRouter,
  });
  assert.equal(refused.status, 403);
  assert.match(JSON.parse(refused.body).error, /needs write access to "hero_proc"/);
  const reader = await request("/api/services/echoer/stop", {
    method: "POST",
    headers: { ...viaRouter, ...(await as(READER)), "x-hero-csrf": "1" },
  });
  assert.equal(reader.status, 403);
  assert.match(reader.body, /rita may only read/);
  const forged = await request("/api/services/echoer/stop", {
    method: "POST",
    headers: { ...viaRouter, [CALLER_HEADER]: "not-signed", "x-hero-csrf": "1" },
  });
  assert.equal(forged.status, 401, "an unsigned assertion is refused");
  const noCsrf = await request("/api/services/echoer/stop", {
    method: "POST",
    headers: { ...viaRouter, ...(await as(ADMIN)) },
  });
  assert.equal(noCsrf.status, 403);
  const status = (await rpc.call("service.status", { name: "echoer" })) as {
    state: string;
    pid: number;
  };
  assert.equal(status.state, "running", "refused requests change nothing");
  const ok = await request("/api/services/echoer/restart", {
    method: "POST",
    headers: { ...viaRouter, ...(await as(ADMIN)), "x-hero-csrf": "1" },
  });
  assert.equal(ok.status, 200, ok.body);
  const after = JSON.parse(ok.body) as { state: string; pid: number };
  assert.notEqual(after.pid, status.pid, "a new process runs after the restart");
  const unknown = await request("/api/services/nope/start", { method: "POST" });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /nope/);
});

test("the log tree counts sources and the tail streams a new line", async () => {
  await waitFor(
    "echoer output",
    async () => JSON.parse((await request("/api/logs/tree")).body).lines > 0,
  );
  const tree = JSON.parse((await request("/api/logs/tree")).body);
  const echoer = tree.children.find((c: { name: string }) => c.name === "echoer");
  assert.ok(echoer.lines >= 1);
  assert.equal(echoer.children[0].path, "echoer.main");
  const lines = await new Promise<string>((resolve, reject) => {
    const req = http.get({ socketPath: adminSock, path: "/api/logs/stream?q=marker-7" }, (res) => {
      let data = "";
      res.on("data", (c) => {
        data += c;
        if (data.includes("event: ready") && !data.includes("job")) {
          void rpc.call("job.run", { command: "echo marker-7 from a job" });
        }
        if (data.includes("marker-7 from a job")) {
          req.destroy();
          resolve(data);
        }
      });
      res.on("error", reject);
    });
    req.setTimeout(5000, () => reject(new Error("no line within 5 s")));
  });
  assert.match(lines, /event: lines\ndata: \[\{"id":\d+/);
});

function openTerminal(headers: Record<string, string> = {}): WebSocket {
  return new WebSocket(`ws+unix://${adminSock}:/terminal/ws?cols=80&rows=24`, { headers });
}

/** The status a terminal upgrade with `headers` gets (101 when it opens). */
async function upgradeStatus(headers: Record<string, string>): Promise<number> {
  const ws = openTerminal(headers);
  ws.on("error", () => {});
  const status = await new Promise<number>((resolve) => {
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => resolve(101));
  });
  ws.terminate();
  return status;
}

test("the terminal refuses a forwarded client without write access, or with a forged one", async () => {
  assert.equal(await upgradeStatus(viaRouter), 403);
  assert.equal(await upgradeStatus({ ...viaRouter, ...(await as(READER)) }), 403);
  assert.equal(await upgradeStatus({ ...viaRouter, [CALLER_HEADER]: "forged" }), 403);
});

test("the terminal refuses a session cookie sent from a foreign page (Origin)", async () => {
  const headers = { ...viaRouter, ...(await as(ADMIN)), origin: "http://evil.example" };
  assert.equal(await upgradeStatus(headers), 403);
});

test("the terminal runs echo in a PTY and closes with the exit code", async () => {
  const ws = openTerminal({
    ...viaRouter,
    ...(await as(ADMIN)),
    origin: "http://127.0.0.1:9988",
  });
  let out = "";
  ws.on("message", (d) => (out += d.toString()));
  await new Promise((resolve, reject) => (ws.on("open", resolve), ws.on("error", reject)));
  ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
  ws.send(JSON.stringify({ type: "input", data: "stty size; echo héllo-$((6*7))\r" }));
  await waitFor("echo output", () => out.includes("héllo-42") && out.includes("40 120"));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }))
  );
  ws.send(JSON.stringify({ type: "input", data: "exit 3\r" }));
  assert.deepEqual(await closed, { code: 1000, reason: "exit 3" });
});
