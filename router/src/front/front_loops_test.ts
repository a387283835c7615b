/**
 * Tests of the router's extra front loops (`--front-loops`) on real sockets: requests accepted
 * by a worker loop pass the same gate (a caller without a credential is refused, a read-only
 * one cannot write, the service gets the verified caller and never the router's token),
 * answers kept are dropped when the socket goes away, a port in use is still refused, and
 * which answers a loop may keep.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import { ADMIN_TOKEN, READ_TOKEN, startRouter } from "../test_support/router_harness.ts";
import { silentLogger } from "../log/logger.ts";
import { RouterApp } from "../server/router_app.ts";
import type { LoopAsk } from "./loop_protocol.ts";
import { LoopRoutes } from "./loop_routes.ts";
import { parseRequestHead, RequestHead } from "./request_head.ts";

const encoder = new TextEncoder();
/** Enough connections that both loops get some (the kernel hashes each to one of two). */
const CONNECTIONS = 24;

/** Sends one request per new connection and returns each raw answer. */
function eachOnItsOwn(port: number, request: string): Promise<string[]> {
  return Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(encoder.encode(request));
      let out = "";
      const buf = new Uint8Array(64 * 1024);
      for (;;) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) return out;
        out += new TextDecoder().decode(buf.subarray(0, n));
      }
    } finally {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }));
}

const status = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
const get = (path: string, auth = "") =>
  `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${auth}connection: close\r\n\r\n`;
const AUTH = `authorization: Bearer ${ADMIN_TOKEN}\r\n`;

test("with two loops, every connection passes the gate and both loops relay", async () => {
  const harness = await startRouter({ frontLoops: 2 });
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const refused = await eachOnItsOwn(harness.port, get("/alpha/admin/echo/x"));
    assert.deepEqual(refused.map(status), Array(CONNECTIONS).fill(401), refused[0]);
    await until(() => harness.app.tcpLoopCounts.app > 0 || undefined, 3000, "a loop's tally");
    const loopAppBefore = harness.app.tcpLoopCounts.app;
    // Twice: the second round finds the answers the loop kept.
    for (let round = 0; round < 2; round++) {
      const relayed = await eachOnItsOwn(harness.port, get("/alpha/admin/echo/x", AUTH));
      assert.deepEqual(relayed.map(status), Array(CONNECTIONS).fill(200), relayed[0]);
      for (const raw of relayed) {
        const seen = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));
        assert.equal(seen.headers.authorization, undefined, "the router's token is removed");
        assert.ok(seen.headers["x-hero-caller"], "the service gets the caller's assertion");
      }
    }
    await until(() => harness.app.tcpLoopCounts.fast > 0 || undefined, 3000, "loop relays");
    const loops = harness.app.tcpLoopCounts;
    const all = harness.app.tcpCounts;
    assert.ok(all.fast - loops.fast > 0, "the main loop relayed some");
    assert.equal(loops.app, loopAppBefore, "the loop relayed, not the app");
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("with two loops, a read-only caller reads, and cannot write even after its reads were kept", async () => {
  const harness = await startRouter({ frontLoops: 2 });
  const svc = await startFixtureService(harness.root, "alpha");
  const read = `authorization: Bearer ${READ_TOKEN}\r\n`;
  const post = `POST /alpha/admin/echo/x HTTP/1.1\r\nhost: 127.0.0.1\r\n${read}` +
    `content-length: 0\r\nconnection: close\r\n\r\n`;
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    for (let round = 0; round < 2; round++) {
      const reads = await eachOnItsOwn(harness.port, get("/alpha/admin/echo/x", read));
      assert.deepEqual(reads.map(status), Array(CONNECTIONS).fill(200), reads[0]);
      const writes = await eachOnItsOwn(harness.port, post);
      assert.deepEqual(writes.map(status), Array(CONNECTIONS).fill(403), writes[0]);
    }
    await until(() => harness.app.tcpLoopCounts.fast > 0 || undefined, 3000, "loop relays");
  } finally {
    await svc.close();
    await harness.close();
  }
});

for (const frontLoops of [1, 2]) {
  test(`with ${frontLoops} loop(s), answers kept are dropped when the socket goes away`, async () => {
    const harness = await startRouter({ frontLoops });
    const svc = await startFixtureService(harness.root, "alpha");
    try {
      await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
      // Twice: the first requests wait for the caller's assertion to be signed (not kept).
      for (let round = 0; round < 2; round++) {
        const ok = await eachOnItsOwn(harness.port, get("/alpha/admin/echo/x", AUTH));
        assert.deepEqual(ok.map(status), Array(CONNECTIONS).fill(200));
      }
      await svc.close();
      await until(() => !harness.app.registry.get("alpha") || undefined, 5000, "alpha to go");
      const gone = await eachOnItsOwn(harness.port, get("/alpha/admin/echo/x", AUTH));
      // Every loop answers as the app does for an unknown service (no relay to a dead socket).
      assert.deepEqual(gone.map(status), Array(CONNECTIONS).fill(404), gone[0]);
    } finally {
      await harness.close();
    }
  });
}

test("a port in use is refused with loops too, not shared", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir();
  const app = new RouterApp({
    socketRoot: dir,
    binds: [{ hostname: "127.0.0.1", port }],
    logger: silentLogger,
    scanIntervalMs: 0,
    tokens: { admin: ADMIN_TOKEN },
    frontLoops: 2,
  });
  try {
    await assert.rejects(app.start(), /Cannot start "hero_router": cannot listen on 127\.0\.0\.1:/);
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

test("a loop keeps only reusable answers, per head and peer, until the generation moves", async () => {
  const asks: LoopAsk[] = [];
  const generation = new SharedArrayBuffer(4);
  const reported: (string | number)[] = [];
  const routes = new LoopRoutes((a) => asks.push(a), generation, (service, status, started) => {
    reported.push(service, status, typeof started);
  });
  const bytes = encoder.encode(get("/alpha/admin/x", AUTH));
  const head = parseRequestHead(bytes, 0, bytes.byteLength) as RequestHead;
  assert.ok(head instanceof RequestHead);
  const wire = {
    socket: "/nowhere.sock",
    service: "alpha",
    rest: "/x",
    prefix: "/alpha/admin",
    badGateway: "Bad gateway: \0",
  };
  const ask = (peer: string, reusable: boolean) => {
    const found = routes.fastPath(head, { transport: "tcp", remoteAddress: peer });
    if (!(found instanceof Promise)) return found;
    routes.answered({ type: "answer", id: asks.at(-1)!.id, route: wire, reusable });
    return found;
  };
  try {
    const first = await ask("127.0.0.1", true);
    assert.equal(first?.rest, "/x");
    first?.answered?.(204);
    assert.deepEqual(reported, ["alpha", 204, "number"], "each use reports to the metrics");
    assert.equal(first?.badGateway("refused"), "Bad gateway: refused");
    assert.deepEqual(new TextDecoder().decode(asks[0].head), new TextDecoder().decode(bytes));
    assert.ok(
      !(routes.fastPath(head, { transport: "tcp", remoteAddress: "127.0.0.1" }) instanceof
        Promise),
      "kept",
    );
    assert.equal(asks.length, 1);
    await ask("127.0.0.2", true);
    assert.equal(asks.length, 2, "another peer asks again");
    Atomics.add(new Int32Array(generation), 0, 1);
    await ask("127.0.0.1", false);
    assert.equal(asks.length, 3, "a moved generation asks again");
    await ask("127.0.0.1", false);
    assert.equal(asks.length, 4, "an answer not reusable is not kept");
    const other = encoder.encode(get("/api/services", AUTH));
    const app = routes.fastPath(
      parseRequestHead(other, 0, other.byteLength) as RequestHead,
      { transport: "tcp", remoteAddress: "127.0.0.1" },
    );
    assert.equal(app, undefined, "not a service path: to the app, unasked");
    assert.equal(asks.length, 4);
  } finally {
    routes.close();
  }
});
