/**
 * The whole path for browser tests: hero_proc (its log store) and hero_router (a real process,
 * TCP on a free loopback port) on a temporary socket root, the browser service on that root,
 * a local web server with the test pages, and the official MCP client connected to the
 * router's `/mcp`.
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
import { HeroLogger, RpcClient } from "@hero/sdk";
import { resolvePaths } from "../../proc/src/daemon/paths.ts";
import { type Daemon, serveDaemon } from "../../proc/src/daemon/serve.ts";
import { BrowserService } from "../src/browser_service.ts";
import type { BrowserOptions } from "../src/chromium/options.ts";
import { TEST_PAGES } from "./test_pages.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));

/** The admin token the test router accepts over TCP (`Authorization: Bearer`). */
export const ADMIN_TOKEN = "browser-test-admin-token-0123456789";

/** A running system for browser tests. */
export interface BrowserHarness {
  root: string;
  service: BrowserService;
  /** `http://127.0.0.1:<port>` of the test pages. */
  pages: string;
  /** `http://127.0.0.1:<port>` of the router. */
  router: string;
  /** hero_proc's rpc.sock. */
  proc: RpcClient;
  /** A new MCP client connected to the router's /mcp with the admin token (closed by `close`). */
  mcp(): Promise<Client>;
  close(): Promise<void>;
}

/** Waits for `check` to return something truthy. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts everything; `limits` tunes the browser service. */
export async function startHarness(limits: Partial<BrowserOptions> = {}): Promise<BrowserHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-browser-"));
  const paths = resolvePaths({
    socketDir: path.join(dir, "s"),
    stateDir: path.join(dir, "state"),
    configDir: path.join(dir, "cfg"),
  });
  const root = paths.socketRoot;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const clients: Client[] = [];
  const close = async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const fn of cleanups.reverse()) await fn();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const daemon: Daemon = await serveDaemon(paths);
    cleanups.push(() => daemon.close());
    const proc = new RpcClient(paths.rpcSocket);
    cleanups.push(() => proc.close());
    const pages = await servePages();
    cleanups.push(() => new Promise((r) => pages.server.close(r)));
    const router = await startRouter(root);
    cleanups.push(() => router.stop());
    const logger = new HeroLogger({ source: "browser", socketRoot: root, flushMs: 50 });
    cleanups.push(() => logger.close());
    const service = new BrowserService({ socketRoot: root, limits, logger });
    await service.start();
    cleanups.push(() => service.close());
    const harness: BrowserHarness = {
      root,
      service,
      pages: pages.base,
      router: router.base,
      proc,
      mcp: async () => {
        const client = new Client({ name: "browser-test", version: "1.0.0" });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${router.base}/mcp`), {
            requestInit: { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
          }),
        );
        clients.push(client);
        return client;
      },
      close,
    };
    const probe = await harness.mcp();
    await waitFor("the browser tools at /mcp", async () => {
      const { tools } = await probe.listTools();
      return tools.some((t) => t.name === "browser_navigate");
    });
    return harness;
  } catch (err) {
    await close();
    throw err;
  }
}

/** hero_router as its own process (Deno), on `root`, TCP on a free loopback port. */
async function startRouter(root: string): Promise<{ base: string; stop(): Promise<void> }> {
  const deno = fs.existsSync(path.join(repo, "node_modules/deno/deno"))
    ? path.join(repo, "node_modules/deno/deno")
    : path.join(repo, "node_modules/.bin/deno");
  const child: ChildProcess = spawn(deno, [
    "run",
    "--allow-all",
    "--unstable-no-legacy-abort",
    path.join(repo, "router/main.ts"),
    "serve",
    "--bind",
    "127.0.0.1:0",
  ], {
    env: { ...process.env, PATH_SOCKET: root, HERO_ADMIN_TOKEN: ADMIN_TOKEN },
    stdio: "ignore",
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  try {
    const rpc = new RpcClient(path.join(root, "hero_router/rpc.sock"), { timeoutMs: 2000 });
    const health = await waitFor("hero_router", async () => {
      if (child.exitCode !== null) throw new Error("hero_router exited");
      return await rpc.call<{ tcpListeners: string[] }>("router.health").catch(() => undefined);
    }, 30_000).finally(() => rpc.close());
    return { base: `http://${health.tcpListeners[0]}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The test pages on a loopback port. */
async function servePages(): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const page = TEST_PAGES[url.pathname];
    if (!page) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if ("redirect" in page) {
      res.writeHead(302, { location: page.redirect }).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page.html);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${port}` };
}
