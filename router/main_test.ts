/** Tests of the hero_router program itself: real processes, real sockets, real logs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startFixtureService, tempRoot, until } from "./src/test_support/fixtures.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** Starts `hero_router serve` and collects its stderr. */
function spawnRouter(args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", ...args],
    env: { ...env, HERO_MYCELIUM_IP: env.HERO_MYCELIUM_IP ?? "" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const done = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (s) => void (log += s) }),
  );
  return {
    log: () => log,
    stop: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const status = await child.status;
      await done.catch(() => {});
      return status;
    },
  };
}

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

test("serve binds both sockets and TCP; list, scan and spec talk to it; SIGTERM cleans up", async () => {
  const { root, cleanup } = await tempRoot();
  const svc = await startFixtureService(root, "alpha");
  const router = spawnRouter([
    "--socket-dir",
    root,
    "--bind",
    "127.0.0.1:0",
    "--scan-interval",
    "0",
  ]);
  try {
    await until(() => router.log().includes("ready"), 15_000, "router ready");
    assert.match(router.log(), /INFO hero_router: listening on http:\/\/127\.0\.0\.1:\d+/);
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(router.log())![1]);
    const anonymous = await fetch(`http://127.0.0.1:${port}/alpha/admin/echo`);
    assert.equal(anonymous.status, 401, "TCP without a credential is refused");
    await anonymous.body?.cancel();
    // The tokens are created owner-only in the socket root on first start.
    const token = (await Deno.readTextFile(`${root}/admin_token`)).trim();
    assert.equal((await Deno.stat(`${root}/admin_token`)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${root}/read_token`)).mode! & 0o777, 0o600);
    const res = await fetch(`http://127.0.0.1:${port}/alpha/admin/echo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const list = await run(["list", "--json", "--socket-dir", root]);
    assert.equal(list.code, 0, list.stderr);
    const services = JSON.parse(list.stdout);
    assert.equal(services.find((s: { name: string }) => s.name === "alpha").health, "healthy");
    assert.doesNotMatch(list.stderr, /scanning once/);
    const scan = await run(["scan", "--socket-dir", root]);
    assert.match(scan.stdout, /alpha\s+healthy\s+1\.2\.3\s+2/);
    const spec = await run(["spec", "alpha", "--json", "--socket-dir", root]);
    assert.equal(JSON.parse(spec.stdout).info.title, "Fixture alpha");
    const missing = await run(["spec", "nobody", "--socket-dir", root]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no service "nobody"/);
    const second = await run(["serve", "--socket-dir", root, "--port", "0"]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /Cannot start "hero_router": .*rpc\.sock is in use/);
  } finally {
    const status = await router.stop();
    assert.equal(status.code, 0);
    assert.equal(
      await Deno.lstat(`${root}/hero_router/rpc.sock`).then(() => true, () => false),
      false,
    );
    await svc.close();
    await cleanup();
  }
});

test("without a router, list scans once; bad flags exit 1 with a clear message", async () => {
  const { root, cleanup } = await tempRoot();
  const svc = await startFixtureService(root, "alpha");
  try {
    const list = await run(["list", "--socket-dir", root]);
    assert.equal(list.code, 0);
    assert.match(list.stderr, /no router running.*scanning once/);
    assert.match(list.stdout, /alpha\s+healthy/);
    const bad = await run(["serve", "--bind", "nowhere:1", "--socket-dir", root]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Invalid --bind "nowhere:1"/);
  } finally {
    await svc.close();
    await cleanup();
  }
});

test("without --bind the address comes from HERO_MYCELIUM_IP, logged at INFO; --port 0 disables TCP", async () => {
  const { root, cleanup } = await tempRoot();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const router = spawnRouter(
    ["--socket-dir", root, "--port", String(port), "--scan-interval", "0"],
    {
      HERO_MYCELIUM_IP: "127.0.0.1",
      HOME: root,
    },
  );
  try {
    await until(() => router.log().includes("ready"), 15_000, "router ready");
    assert.match(router.log(), /INFO hero_router: bind address 127\.0\.0\.1 from HERO_MYCELIUM_IP/);
    assert.match(router.log(), new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
  } finally {
    await router.stop();
  }
  const noTcp = spawnRouter(["--socket-dir", root, "--port", "0", "--scan-interval", "0"]);
  try {
    await until(() => noTcp.log().includes("ready"), 15_000, "router ready");
    assert.match(noTcp.log(), /no TCP listener/);
    const client = Deno.createHttpClient({
      proxy: { transport: "unix", path: `${root}/hero_router/admin.sock` },
    });
    const res = await fetch("http://x/api/health", { client });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    client.close();
  } finally {
    await noTcp.stop();
    await cleanup();
  }
});
