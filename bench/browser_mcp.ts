/**
 * Browser automation over MCP: Hero (the official MCP client -> hero_router's /mcp -> the
 * `browser` service over its socket -> Chromium) beside @playwright/mcp (the same client ->
 * its own Streamable HTTP endpoint -> Chromium), the same Debian Chromium and the same local
 * page in the same run. Timed per call pair `navigate`+`snapshot` and per `take_screenshot`,
 * after one warm-up call each (which starts Chromium; its time is reported apart). Rounds
 * alternate between the two so that machine noise falls on both.
 *
 * Run: node bench/browser_mcp.ts [rounds]   (writes bench/results/browser_mcp.json)
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { RpcClient } from "@hero/sdk";
import { CHROMIUM_ARGS } from "../browser/src/chromium/options.ts";
import { FORM_PAGE } from "../browser/test/test_pages.ts";

const ROUNDS = Number(process.argv[2] ?? 30);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-bench-browser-"));
const children: ChildProcess[] = [];

function start(cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: "ignore" });
  children.push(child);
  return child;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }),
  );
  return client;
}

/** The admin token the bench's router accepts (the TCP gate checks it on every request). */
const TOKEN = "bench-admin-token-0123456789abcdef";

interface Peer {
  name: string;
  client: Client;
  /** Extra arguments every call of this peer takes. */
  args: Record<string, unknown>;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function callOk(peer: Peer, name: string, args: Record<string, unknown> = {}) {
  const res = await peer.client.callTool({ name, arguments: { ...args, ...peer.args } });
  if (res.isError) throw new Error(`${peer.name} ${name}: ${JSON.stringify(res.content)}`);
  return res;
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: +at(0.5).toFixed(1), p90: +at(0.9).toFixed(1), min: +s[0].toFixed(1) };
}

try {
  // The page, served locally.
  const page = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end(FORM_PAGE);
  });
  await new Promise<void>((r) => page.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(page.address() as { port: number }).port}/form`;

  // Hero: hero_router and the browser service, each its own process, on one socket root.
  const root = path.join(dir, "sockets");
  const deno = fs.existsSync(path.join(repo, "node_modules/deno/deno"))
    ? path.join(repo, "node_modules/deno/deno")
    : path.join(repo, "node_modules/.bin/deno");
  start(deno, [
    "run",
    "--allow-all",
    "--unstable-no-legacy-abort",
    path.join(repo, "router/main.ts"),
    "serve",
    "--bind",
    "127.0.0.1:0",
  ], { PATH_SOCKET: root, HERO_ADMIN_TOKEN: TOKEN });
  start(process.execPath, [
    "--disable-warning=ExperimentalWarning",
    path.join(repo, "browser/main.ts"),
    "run",
  ], { PATH_SOCKET: root });
  const routerRpc = new RpcClient(path.join(root, "hero_router/rpc.sock"), { timeoutMs: 2000 });
  const health = await waitFor(
    "hero_router",
    () => routerRpc.call<{ tcpListeners: string[] }>("router.health"),
  );
  routerRpc.close();
  const hero: Peer = {
    name: "Hero (hero_router /mcp -> browser service)",
    client: await connect(`http://${health.tcpListeners[0]}/mcp`, {
      authorization: `Bearer ${TOKEN}`,
    }),
    args: { context: "bench" },
  };
  await waitFor(
    "the browser tools",
    async () =>
      (await hero.client.listTools()).tools.some((t) => t.name === "browser_navigate") || undefined,
  );

  // @playwright/mcp on its own Streamable HTTP endpoint, driving the same Chromium binary.
  const pwPort = await freePort();
  const pwVersion = JSON.parse(
    fs.readFileSync(path.join(repo, "node_modules/@playwright/mcp/package.json"), "utf8"),
  ).version;
  // Chromium gets the flags Hero gives it (--no-sandbox among them: this runs as root).
  const config = path.join(dir, "playwright-mcp.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ browser: { launchOptions: { args: CHROMIUM_ARGS, chromiumSandbox: false } } }),
  );
  start(process.execPath, [
    path.join(repo, "node_modules/@playwright/mcp/cli.js"),
    "--config",
    config,
    "--headless",
    "--isolated",
    "--no-sandbox",
    "--executable-path",
    "/usr/bin/chromium",
    "--host",
    "127.0.0.1",
    "--port",
    String(pwPort),
    "--output-dir",
    path.join(dir, "pw-output"),
  ]);
  const playwright: Peer = {
    name: `@playwright/mcp ${pwVersion}`,
    client: await waitFor("@playwright/mcp", () => connect(`http://localhost:${pwPort}/mcp`)),
    args: {},
  };

  const peers = [hero, playwright];
  const first: Record<string, number> = {};
  for (const peer of peers) {
    first[peer.name] = await timed(() => callOk(peer, "browser_navigate", { url }));
    await callOk(peer, "browser_take_screenshot", { type: "png", scale: "css" });
  }
  const nav: Record<string, number[]> = {};
  const shot: Record<string, number[]> = {};
  for (let i = 0; i < ROUNDS; i++) {
    for (const peer of i % 2 ? [...peers].reverse() : peers) {
      (nav[peer.name] ??= []).push(
        await timed(async () => {
          await callOk(peer, "browser_navigate", { url });
          await callOk(peer, "browser_snapshot");
        }),
      );
      (shot[peer.name] ??= []).push(
        await timed(() => callOk(peer, "browser_take_screenshot", { type: "png", scale: "css" })),
      );
    }
  }
  const results: Record<string, unknown> = {};
  console.log(`${ROUNDS} rounds, same page (${url}), same Chromium (/usr/bin/chromium)`);
  console.log("ms per call (median / p90 / min)");
  for (const peer of peers) {
    const n = stats(nav[peer.name]);
    const s = stats(shot[peer.name]);
    results[peer.name] = {
      firstNavigateMs: +first[peer.name].toFixed(0),
      navigateSnapshotMs: n,
      screenshotMs: s,
    };
    console.log(
      `  ${peer.name}\n    navigate+snapshot ${n.median} / ${n.p90} / ${n.min}` +
        `   screenshot ${s.median} / ${s.p90} / ${s.min}` +
        `   first navigate (starts Chromium) ${first[peer.name].toFixed(0)}`,
    );
  }
  const out = path.join(repo, "bench/results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, "browser_mcp.json"),
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, rounds: ROUNDS, results },
      null,
      2,
    ) + "\n",
  );
  for (const peer of peers) await peer.client.close();
  page.close();
} finally {
  for (const child of children) {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  await Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null
        ? new Promise((r) => c.once("exit", r))
        : undefined
    ),
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
