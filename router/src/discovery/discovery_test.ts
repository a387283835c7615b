/** Tests of discovery against real services and broken sockets on real Unix sockets. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { silentLogger } from "../log/logger.ts";
import {
  makeStaleSocket,
  startBrokenSocket,
  startFixtureService,
  tempRoot,
  until,
} from "../test_support/fixtures.ts";
import { Discovery } from "./discovery.ts";
import { type ServiceEvent, ServiceRegistry } from "./service_registry.ts";

function setup(root: string, extra: Partial<ConstructorParameters<typeof Discovery>[0]> = {}) {
  const registry = new ServiceRegistry();
  const events: ServiceEvent[] = [];
  registry.subscribe((e) => events.push(e));
  const discovery = new Discovery({
    root,
    registry,
    logger: silentLogger,
    scanIntervalMs: 0,
    ...extra,
  });
  return { registry, events, discovery };
}

test("a full scan classifies sockets and probes OpenRPC, health and manifest", async () => {
  const { root, cleanup } = await tempRoot();
  const a = await startFixtureService(root, "alpha", { web: true });
  const b = await startFixtureService(root, "beta", { unhealthy: true });
  await Deno.mkdir(`${root}/api`); // reserved: skipped
  await Deno.mkdir(`${root}/Bad-Name`);
  await Deno.symlink(`${root}/alpha`, `${root}/linked`); // symlinks are never followed
  const { registry, discovery } = setup(root, { watch: false });
  try {
    const report = await discovery.scanAll();
    assert.deepEqual(registry.list().map((r) => r.entry.name), ["alpha", "beta"]);
    assert.deepEqual(report.skipped.map((s) => s.name).sort(), ["Bad-Name", "api"]);
    const alpha = registry.get("alpha")!;
    assert.equal(alpha.entry.health, "healthy");
    assert.equal(alpha.entry.title, "Fixture alpha");
    assert.equal(alpha.entry.version, "1.2.3");
    assert.equal(alpha.entry.methodCount, 2);
    assert.equal(alpha.openrpc?.methods.length, 2);
    assert.deepEqual(alpha.entry.sockets.map((s) => [s.name, s.kind, s.protocol]), [
      ["rpc", "rpc", "openrpc"],
      ["admin", "admin", "ui"],
      ["web_docs", "web", "ui"],
    ]);
    assert.equal(alpha.entry.rpcTarget, `${root}/alpha/rpc.sock`);
    const beta = registry.get("beta")!.entry;
    assert.equal(beta.health, "unhealthy");
    assert.match(beta.error ?? "", /degraded.*disk full/);
  } finally {
    discovery.close();
    await a.close();
    await b.close();
    await cleanup();
  }
});

test("a socket without rpc is non_rpc; a stale socket file is unhealthy", async () => {
  const { root, cleanup } = await tempRoot();
  await Deno.mkdir(`${root}/webonly`);
  const web = Deno.serve(
    { path: `${root}/webonly/admin.sock`, onListen() {} },
    () => new Response("hi"),
  );
  await Deno.mkdir(`${root}/stale`);
  await makeStaleSocket(`${root}/stale/rpc.sock`);
  const { registry, discovery } = setup(root, { watch: false });
  try {
    await discovery.scanAll();
    assert.equal(registry.get("webonly")?.entry.health, "non_rpc");
    const stale = registry.get("stale")!.entry;
    assert.equal(stale.health, "unhealthy");
    assert.match(stale.error ?? "", /refused/);
  } finally {
    discovery.close();
    await web.shutdown();
    await cleanup();
  }
});

test("sockets appearing and disappearing are reflected within 1 s via SSE-style events", async () => {
  const { root, cleanup } = await tempRoot();
  const { registry, events, discovery } = setup(root);
  await discovery.start();
  try {
    const t0 = Date.now();
    const svc = await startFixtureService(root, "gamma");
    await until(() => registry.get("gamma")?.entry.health === "healthy", 1000, "gamma healthy");
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(events[0].type, "service.added");
    assert.ok(events.some((e) => e.type === "service.changed" && e.openrpcChanged));
    const t1 = Date.now();
    await svc.close();
    await until(() => events.some((e) => e.type === "service.removed"), 1000, "removal");
    assert.ok(Date.now() - t1 < 1000);
    assert.equal(registry.get("gamma"), undefined);
  } finally {
    discovery.close();
    await cleanup();
  }
});

test("broken services never stall the scanner", async () => {
  const { root, cleanup } = await tempRoot();
  const broken = await Promise.all(
    (["hang", "garbage", "slowloris", "huge", "invalid", "deep"] as const).map((m) =>
      startBrokenSocket(root, `broken_${m}`, m)
    ),
  );
  const good = await startFixtureService(root, "good");
  const { registry, discovery } = setup(root, { probeTimeoutMs: 1000 });
  try {
    const t0 = Date.now();
    await discovery.start();
    assert.ok(Date.now() - t0 < 2500, `scan took ${Date.now() - t0} ms`);
    assert.equal(registry.get("good")?.entry.health, "healthy");
    for (const m of ["hang", "garbage", "slowloris", "huge", "invalid", "deep"]) {
      const e = registry.get(`broken_${m}`)!.entry;
      assert.equal(e.health, "unhealthy", m);
      assert.ok(e.error, m);
    }
    assert.match(registry.get("broken_hang")!.entry.error!, /timed out/);
    assert.match(registry.get("broken_huge")!.entry.error!, /larger than/);
    assert.match(registry.get("broken_invalid")!.entry.error!, /methods/);
    assert.match(registry.get("broken_deep")!.entry.error!, /nested deeper/);
    // A new service appears promptly even while broken ones are being probed again.
    discovery.scanAll();
    const t1 = Date.now();
    const late = await startFixtureService(root, "late");
    await until(() => registry.get("late")?.entry.health === "healthy", 1000, "late healthy");
    assert.ok(Date.now() - t1 < 1000);
    await late.close();
  } finally {
    discovery.close();
    await good.close();
    for (const b of broken) await b.close();
    await discovery.scanAll().catch(() => {});
    await cleanup();
  }
});

test("manual_sources.json adds URL services; bad entries are reported", async () => {
  const { root, cleanup } = await tempRoot();
  const svc = await startFixtureService(root, "backing");
  const tcp = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const client = Deno.createHttpClient({ proxy: { transport: "unix", path: svc.rpcSocketPath } });
    return fetch(`http://x${new URL(req.url).pathname}`, { client }).finally(() => client.close());
  });
  const file = `${root}/manual_sources.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify([
      { name: "remote", url: `http://127.0.0.1:${tcp.addr.port}`, title: "Pinned" },
      { name: "router", url: "http://x" },
      { name: "nourl" },
    ]),
  );
  const { registry, discovery } = setup(`${root}/sockets`, {
    watch: false,
    manualSourcesPath: file,
  });
  try {
    const report = await discovery.scanAll();
    const remote = registry.get("remote")!;
    assert.equal(remote.entry.source, "manual");
    assert.equal(remote.entry.health, "healthy");
    assert.equal(remote.entry.title, "Pinned");
    assert.equal(remote.entry.methodCount, 2);
    assert.equal(report.manualProblems.length, 2);
    await Deno.writeTextFile(file, "[]");
    await discovery.scanAll();
    assert.equal(registry.get("remote"), undefined);
  } finally {
    discovery.close();
    await tcp.shutdown();
    await svc.close();
    await cleanup();
  }
});
