/**
 * Tests of the router's TCP front on real sockets: keep-alive and pipelined requests mixing the
 * fast path and the app, request bodies in every framing, HTTP/1.0, heads it refuses, the peer
 * address the app sees, stale and close-delimited service connections, cut slow heads, and
 * what a service receives on the fast path: the caller's verified assertion, never a forged one
 * nor the router's credentials, and nothing at all from a caller without a credential.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { defineApi, HeroServer } from "@hero/sdk";
import { startFixtureService, until } from "../test_support/fixtures.ts";
import { ADMIN_TOKEN, READ_TOKEN, startRouter } from "../test_support/router_harness.ts";
import { TcpFront } from "./tcp_front.ts";

const AUTH = `authorization: Bearer ${ADMIN_TOKEN}\r\n`;
const encoder = new TextEncoder();

/** Writes `parts` (one write each, `pause` ms apart) and reads until the server closes. */
async function talk(port: number, parts: string[], pause = 0): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    for (const p of parts) {
      await conn.write(encoder.encode(p));
      if (pause) await new Promise((r) => setTimeout(r, pause));
    }
    let out = "";
    const buf = new Uint8Array(64 * 1024);
    const deadline = setTimeout(() => conn.close(), 8000);
    try {
      for (;;) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        out += new TextDecoder().decode(buf.subarray(0, n));
      }
    } finally {
      clearTimeout(deadline);
    }
    return out;
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

function statuses(raw: string): number[] {
  return [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

test("one connection mixes the fast path and the app, pipelined, answers in order", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const before = harness.app.tcpCounts;
    const get = (path: string, extra = "") =>
      `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}${extra}\r\n`;
    const raw = await talk(harness.port, [
      get("/alpha/admin/echo/1") + get("/health") + get("/alpha/admin/echo/2?q=%2F"),
      get("/api/services", "connection: close\r\n"),
    ]);
    assert.deepEqual(statuses(raw), [200, 200, 200, 200]);
    const one = raw.indexOf('"path":"/echo/1"');
    const health = raw.indexOf('"status":"ok"');
    const two = raw.indexOf('"search":"?q=%2F"');
    const list = raw.indexOf('{"services":[');
    assert.ok(0 < one && one < health && health < two && two < list, raw);
    assert.doesNotMatch(raw, /x-secret|keep-alive/i, "hop-by-hop headers of the service stay");
    const after = harness.app.tcpCounts;
    assert.equal(after.fast - before.fast, 2, "the proxied requests took the fast path");
    assert.equal(after.app - before.app, 2, "the router's own routes went to the app");
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("the fast path sends the caller's assertion, drops a forged one and the router's credentials", async () => {
  const harness = await startRouter();
  let reached = 0;
  const who = new HeroServer({
    name: "who",
    api: defineApi({ info: { title: "Who", version: "1.0.0" }, methods: [] }),
    socketRoot: harness.root,
    admin: (request, info) => {
      reached++;
      return Promise.resolve(Response.json({
        caller: info.caller,
        cookie: request.headers.get("cookie"),
        authorization: request.headers.get("authorization"),
      }));
    },
  });
  await who.start();
  try {
    await until(() => harness.app.registry.get("who"), 3000, "who to be discovered");
    /** One request over raw TCP; the status and the service's JSON answer (if it answered). */
    const ask = async (lines: string) => {
      const raw = await talk(harness.port, [
        `GET /who/admin/whoami HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines}connection: close\r\n\r\n`,
      ]);
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
      return { status: statuses(raw)[0], seen: body.startsWith("{") ? JSON.parse(body) : {}, raw };
    };
    const forged = "x-hero-caller: eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0b2tlbjphZG1pbiJ9.c2ln\r\n";
    const before = harness.app.tcpCounts;
    const bearer = await ask(
      `${AUTH}${forged}cookie: theme=dark; hero_admin=${ADMIN_TOKEN}; hero_sso=s; ` +
        "hero_sso_flow=f; lang=en\r\n",
    );
    assert.equal(bearer.status, 200, bearer.raw);
    assert.equal(bearer.seen.caller.subject, "token:admin", "the router's verified assertion");
    assert.equal(bearer.seen.caller.via, "bearer");
    assert.deepEqual(bearer.seen.caller.scopes, ["hero:admin"]);
    assert.equal(bearer.seen.authorization, null, "the bearer the gate consumed is removed");
    assert.equal(bearer.seen.cookie, "theme=dark; lang=en", "the router's cookies are removed");
    const cookie = await ask(`cookie: hero_admin=${READ_TOKEN}\r\n${forged}`);
    assert.equal(cookie.status, 200, cookie.raw);
    assert.equal(cookie.seen.caller.subject, "token:read");
    assert.equal(cookie.seen.caller.via, "cookie");
    assert.equal(cookie.seen.cookie, null, "no cookie is left to forward");
    assert.equal(harness.app.tcpCounts.fast - before.fast, 2, "both took the fast path");
    assert.equal(reached, 2);
    // Without a credential (a forged assertion is none) nothing reaches the service.
    for (const lines of ["", forged, "authorization: Bearer wrong\r\n", "cookie: hero_sso=x\r\n"]) {
      const refused = await ask(lines);
      assert.equal(refused.status, 401, lines);
      assert.match(refused.raw, /www-authenticate: Bearer realm="hero"/i);
    }
    assert.equal(reached, 2, "a caller without a credential never reaches the service");
    assert.equal(harness.app.tcpCounts.fast - before.fast, 2, "refusals are the app's");
  } finally {
    await who.close();
    await harness.close();
  }
});

test("request bodies: Content-Length, chunked, Expect: 100-continue; HTTP/1.0", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const head = (extra: string) =>
      `PUT /alpha/admin/count HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}${extra}`;
    const chunked = await talk(harness.port, [
      head("transfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n"),
      "6;x=y\r\n world\r\n0\r\n\r\n",
    ], 50);
    assert.match(chunked, /\{"received":11\}/);
    const expect = await talk(harness.port, [
      head("content-length: 5\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n"),
      "abcde",
    ], 100);
    assert.match(expect, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
    assert.match(expect, /\{"received":5\}/);
    const old = await talk(harness.port, [
      `GET /alpha/admin/echo HTTP/1.0\r\nhost: 127.0.0.1\r\n${AUTH}\r\n`,
    ]);
    assert.equal(statuses(old)[0], 200);
    assert.match(old, /"path":"\/echo"/);
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("heads the front cannot take unambiguously are refused, and the connection closes", async () => {
  const harness = await startRouter();
  try {
    const cases: [string, number][] = [
      [`GET /x/admin/ HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}x: 1\ny: 2\r\n\r\n`, 400],
      [
        `POST /x/admin/ HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n`,
        400,
      ],
      [`GET / HTTP/1.1\r\nhost: 127.0.0.1\r\nx: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      [`PUT / HTTP/1.1\r\nhost: 127.0.0.1\r\nexpect: magic\r\n\r\n`, 417],
      ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505],
    ];
    for (const [request, status] of cases) {
      assert.deepEqual(
        statuses(await talk(harness.port, [request])),
        [status],
        request.slice(0, 60),
      );
    }
  } finally {
    await harness.close();
  }
});

test("the app sees the TCP peer, whatever a client claims in X-Hero-Peer", async () => {
  // Only 10.0.0.0/8 may connect: a client on 127.0.0.1 claiming 10.1.2.3 stays refused.
  const harness = await startRouter({ whitelist: ["10.0.0.0/8"] });
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    for (const path of ["/alpha/admin/echo", "/health", "/api/services"]) {
      const raw = await talk(harness.port, [
        `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}x-hero-peer: 10.1.2.3\r\n` +
        "connection: close\r\n\r\n",
      ]);
      assert.equal(statuses(raw)[0], 403, path);
      assert.match(raw, /127\.0\.0\.1 is not in the IP whitelist/);
    }
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("a read-only caller's JSON-RPC call goes through the app, which reads the body", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const before = harness.app.tcpCounts;
    const call = (method: string, params: unknown) =>
      fetch(`http://127.0.0.1:${harness.port}/alpha/rpc/rpc`, {
        method: "POST",
        headers: { authorization: `Bearer ${READ_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
    const read = await call("echo", { text: "hi" });
    assert.deepEqual(await read.json(), { jsonrpc: "2.0", id: 1, result: "hi" });
    const write = await call("add", { a: 1, b: 2 });
    assert.equal(write.status, 403);
    await write.body?.cancel();
    assert.equal(harness.app.tcpCounts.fast, before.fast, "no fast path for a body to judge");
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("a stale kept-alive service connection is retried; a body until close ends the client's connection", async () => {
  const harness = await startRouter();
  const dir = `${harness.root}/rawsvc`;
  await Deno.mkdir(dir, { mode: 0o700 });
  const listener = Deno.listen({ transport: "unix", path: `${dir}/admin.sock` });
  let served = 0;
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(8192);
        const n = await conn.read(buf);
        const req = new TextDecoder().decode(buf.subarray(0, n ?? 0));
        if (req.startsWith("GET /keep ")) {
          served++;
          // Answers with keep-alive, then drops the connection: the router's copy goes stale.
          await conn.write(encoder.encode("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nkept"));
          await new Promise((r) => setTimeout(r, 30));
        } else if (req.startsWith("GET /close ")) {
          await conn.write(encoder.encode("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n"));
          await conn.write(encoder.encode("until the end"));
        } else {await conn.write(
            encoder.encode("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"),
          );}
        conn.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  try {
    await until(() => harness.app.registry.get("rawsvc"), 3000, "rawsvc to be discovered");
    const keep = (path: string) =>
      talk(harness.port, [
        `GET /rawsvc/admin${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}connection: close\r\n\r\n`,
      ]);
    assert.match(await keep("/keep"), /\r\n\r\nkept$/);
    await new Promise((r) => setTimeout(r, 100));
    assert.match(await keep("/keep"), /\r\n\r\nkept$/, "the stale connection was replaced");
    assert.equal(served, 2);
    const closed = await talk(harness.port, [
      `GET /rawsvc/admin/close HTTP/1.1\r\nhost: 127.0.0.1\r\n${AUTH}\r\n`,
    ]);
    assert.match(closed, /connection: close\r\n\r\nuntil the end$/);
  } finally {
    listener.close();
    await harness.close();
  }
});

test("a head that trickles in is cut; the app gets the peer address", async () => {
  const front = await TcpFront.start({
    fastPath: () => undefined,
    app: (_request, info) =>
      Promise.resolve(Response.json({ peer: info.remoteAddress, transport: info.transport })),
    limits: { maxHeaderBytes: 4096, requestTimeoutMs: 300 },
  });
  const listener = await front.listen("127.0.0.1", 0);
  try {
    const ok = await talk(listener.port, [
      "GET / HTTP/1.1\r\nhost: x\r\nx-hero-peer: 6.6.6.6\r\nconnection: close\r\n\r\n",
    ]);
    assert.match(ok, /\{"peer":"127\.0\.0\.1","transport":"tcp"\}/);
    const t0 = Date.now();
    const slow = await talk(listener.port, ["GET / HTTP/1.1\r\n", "host: x\r\n"], 100);
    assert.equal(slow, "", "cut without an answer");
    assert.ok(Date.now() - t0 < 3000, `cut after ${Date.now() - t0} ms`);
  } finally {
    await listener.close();
    await front.close();
  }
});
