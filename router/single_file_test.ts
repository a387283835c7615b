/**
 * The single-file router (`deno task build:router`): built, copied to a directory with no
 * repository and no node_modules around it, run by the pinned Deno, and checked from outside:
 * its rpc.sock health, its dashboard and every file the dashboard loads, its Prometheus metrics.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcClient } from "@hero/sdk";
import { tempRoot, until } from "./src/test_support/fixtures.ts";

const SCRIPT = new URL("./scripts/build_single_file.ts", import.meta.url).pathname;
const REPO = new URL("../", import.meta.url).pathname;

test("build:router makes one JavaScript file that runs on its own", async () => {
  const { root, cleanup } = await tempRoot();
  const file = `${root}/alone/hero_router.js`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", SCRIPT, file],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(built.success, new TextDecoder().decode(built.stderr));
  assert.match(new TextDecoder().decode(built.stdout), /hero_router: .* MB\) in \d+ ms/);
  const entries = [...Deno.readDirSync(`${root}/alone`)].map((e) => e.name);
  assert.deepEqual(entries, ["hero_router.js"], "one file");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", file, "serve", "--bind", "127.0.0.1:0"],
    cwd: `${root}/alone`,
    env: { PATH_SOCKET: `${root}/sockets`, HERO_MYCELIUM_IP: "", HOME: root },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  const drained = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (s) => void (log += s) }),
  );
  const rpc = new RpcClient(`${root}/sockets/hero_router/rpc.sock`);
  try {
    const health = await until(
      () => rpc.call<{ tcpListeners: string[] }>("router.health").catch(() => undefined),
      15_000,
    );
    const origin = `http://${health!.tcpListeners[0]}`;
    // TCP passes the router's authorization gate: the owner's admin token.
    const token = (await Deno.readTextFile(`${root}/sockets/admin_token`)).trim();
    const headers = { authorization: `Bearer ${token}` };
    assert.equal((await fetch(`${origin}/`).then((r) => (r.body?.cancel(), r))).status, 401);
    const page = await fetch(`${origin}/`, { headers });
    assert.equal(page.status, 200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/(?:js|css)\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 3, `the page loads its theme and scripts: ${assets}`);
    for (const a of [...assets, "/js/dashboard/service.js", "/js/dashboard/json_form.js"]) {
      const r = await fetch(`${origin}${a}`, { headers });
      assert.equal(r.status, 200, `${a}: ${r.status}`);
      assert.ok((await r.arrayBuffer()).byteLength > 100, `${a} has content`);
    }
    // prom-client is inlined too: the Prometheus endpoint answers from the one file.
    const metrics = await fetch(`${origin}/metrics`, { headers });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^# TYPE \w+ \w+$/m);
    // SIGTERM is handled once the router logged "ready" (its signal listeners come after start).
    await until(() => /\bready\b/.test(log), 15_000, "the router's ready line");
  } finally {
    rpc.close();
    child.kill("SIGTERM");
    const status = await child.status;
    await drained.catch(() => {});
    assert.equal(status.code, 0, log);
    await cleanup();
  }
});
