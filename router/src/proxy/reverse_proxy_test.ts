/** Tests of the reverse proxy through the router's TCP listener and admin.sock, on real sockets. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  floodState,
  makeStaleSocket,
  startBrokenSocket,
  startFixtureService,
  tempRoot,
  until,
  wsCloseCodes,
} from "../test_support/fixtures.ts";
import {
  ADMIN_AUTH,
  ADMIN_TOKEN,
  rawHttp,
  startRouter,
  statusOf,
} from "../test_support/router_harness.ts";

test("HTTP: query strings, bodies, X-Forwarded-* and hop-by-hop stripping", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const res = await fetch(`${harness.base}/alpha/admin/echo/x?a=1&b=%2F`, {
      method: "POST",
      body: "hello",
      headers: {
        ...ADMIN_AUTH,
        connection: "x-drop",
        "x-drop": "1",
        "x-keep": "2",
        "x-forwarded-for": "6.6.6.6",
        "x-hero-peer": "6.6.6.6",
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-fixture"), "echo");
    assert.equal(res.headers.get("x-secret"), null, "header named in Connection must not pass");
    assert.equal(res.headers.get("keep-alive"), null);
    const echo = await res.json();
    assert.equal(echo.method, "POST");
    assert.equal(echo.path, "/echo/x");
    assert.equal(echo.search, "?a=1&b=%2F");
    assert.equal(echo.body, "hello");
    assert.equal(echo.headers["x-keep"], "2");
    assert.equal(echo.headers["x-drop"], undefined);
    assert.equal(echo.headers["x-forwarded-for"], "127.0.0.1", "spoofed XFF from TCP is replaced");
    assert.equal(echo.headers["x-hero-peer"], undefined, "the front's own header never passes");
    assert.equal(echo.headers["x-forwarded-host"], `127.0.0.1:${harness.port}`);
    assert.equal(echo.headers["x-forwarded-proto"], "http");
    assert.equal(echo.headers["x-forwarded-prefix"], "/alpha/admin");
    // Through admin.sock a front proxy's X-Forwarded-* are kept and the prefix is appended.
    const viaSock = await (await fetch("http://x/alpha/admin/echo", {
      client: harness.adminClient,
      headers: {
        "x-forwarded-prefix": "/outer",
        "x-forwarded-proto": "https",
        "x-hero-peer": "6.6.6.6",
      },
    })).json();
    assert.equal(viaSock.headers["x-hero-peer"], undefined);
    assert.equal(viaSock.headers["x-forwarded-prefix"], "/outer/alpha/admin");
    assert.equal(viaSock.headers["x-forwarded-proto"], "https");
    // The rpc socket is reachable through the proxy too.
    const rpc = await fetch(`${harness.base}/alpha/rpc/rpc`, {
      method: "POST",
      headers: { ...ADMIN_AUTH, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "add", params: { a: 2, b: 3 } }),
    });
    assert.deepEqual(await rpc.json(), { jsonrpc: "2.0", id: 1, result: 5 });
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("HTTP: request bodies stream up and SSE streams down without buffering", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    const chunk = new Uint8Array(64 * 1024).fill(7);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 80) return c.close();
        sent++;
        c.enqueue(chunk);
      },
    });
    const up = await fetch(`${harness.base}/alpha/admin/count`, {
      method: "PUT",
      body,
      headers: ADMIN_AUTH,
    });
    assert.deepEqual(await up.json(), { received: 80 * 64 * 1024 });
    const t0 = Date.now();
    const sse = await fetch(`${harness.base}/alpha/admin/sse`, { headers: ADMIN_AUTH });
    assert.match(sse.headers.get("content-type") ?? "", /event-stream/);
    const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    assert.match(first.value ?? "", /data: tick 0/);
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    const endAt = Date.now() - t0;
    assert.match(rest, /tick 2/);
    assert.ok(firstAt < endAt - 400, `first event at ${firstAt} ms, end at ${endAt} ms: buffered`);
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("HTTP: 404 for unknown services and sockets, reserved names, 502 for a dead socket", async () => {
  const harness = await startRouter();
  try {
    const get = async (path: string) => {
      const r = await fetch(`${harness.base}${path}`, { headers: ADMIN_AUTH });
      return { status: r.status, body: await r.text() };
    };
    const unknown = await get("/nobody/admin/");
    assert.equal(unknown.status, 404);
    assert.equal(JSON.parse(unknown.body).error, 'Not found: no service "nobody"');
    assert.equal((await get("/fonts/admin/x")).status, 404);
    await Deno.mkdir(`${harness.root}/dead`);
    await makeStaleSocket(`${harness.root}/dead/admin.sock`);
    const dead = await get("/dead/admin/page");
    assert.equal(dead.status, 502);
    assert.match(
      dead.body,
      /Bad gateway: dead\/admin\.sock is not answering \(connection refused\)/,
    );
    assert.equal((await get("/dead/web_missing/")).status, 404);
    const wsDead = await rawHttp(
      harness.port,
      `GET /dead/admin/ws HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\nupgrade: websocket\r\nconnection: upgrade\r\n` +
        `sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n`,
    );
    assert.equal(statusOf(wsDead), 502);
  } finally {
    await harness.close();
  }
});

test("no path reaches a socket outside the service's own directory", async () => {
  const harness = await startRouter();
  const outside = await tempRoot();
  const alpha = await startFixtureService(harness.root, "alpha");
  const secret = await startFixtureService(outside.root, "secret");
  await Deno.symlink(`${outside.root}/secret`, `${harness.root}/linked`);
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const raw = (path: string) =>
      rawHttp(
        harness.port,
        `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\nconnection: close\r\n\r\n`,
      );
    const attempts = [
      "/alpha/admin/../../linked/admin/echo",
      "/alpha/admin/%2e%2e/%2e%2e/linked/admin/echo",
      "/alpha/admin/%252e%252e/x",
      "/alpha%2f..%2flinked/admin/echo",
      "/alpha/admin%2f..%2f..%2flinked%2fadmin/echo",
      "/linked/admin/echo",
      "/%2e%2e/admin/echo",
      `/alpha/admin/..%2f..%2f..%2f${outside.root.slice(1)}/secret/admin/echo`,
    ];
    for (const path of attempts) {
      const res = await raw(path);
      assert.ok([400, 404].includes(statusOf(res)), `${path} -> ${res.slice(0, 60)}`);
      assert.doesNotMatch(res, /x-fixture/i, path);
    }
    assert.equal(statusOf(await raw("/alpha/admin/echo")), 200);
  } finally {
    await alpha.close();
    await secret.close();
    await outside.cleanup();
    await harness.close();
  }
});

test("a socket that appeared a moment ago is proxied at once", async () => {
  const harness = await startRouter();
  try {
    const svc = await startFixtureService(harness.root, "fresh");
    const res = await fetch(`${harness.base}/fresh/admin/echo`, { headers: ADMIN_AUTH });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    await svc.close();
  } finally {
    await harness.close();
  }
});

test("WebSocket: text, binary, subprotocol, large messages and close codes are relayed", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  try {
    await until(() => harness.app.registry.get("alpha"), 3000, "alpha to be discovered");
    const fastBefore = harness.app.tcpCounts.fast;
    const ws = new WebSocket(`ws://127.0.0.1:${harness.port}/alpha/admin/ws`, {
      protocols: ["chat.v1", "chat.v0"],
      headers: ADMIN_AUTH,
    });
    ws.binaryType = "arraybuffer";
    const inbox: (string | ArrayBuffer)[] = [];
    const closed = new Promise<CloseEvent>((r) => (ws.onclose = r));
    ws.onmessage = (e) => inbox.push(e.data);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    assert.equal(ws.protocol, "chat.v1");
    assert.equal(
      harness.app.tcpCounts.fast,
      fastBefore + 1,
      "the upgrade took the fast path (a tunnel)",
    );
    ws.send("hello");
    ws.send(new Uint8Array([0, 1, 2, 255]));
    ws.send("big");
    ws.send("x".repeat(200_000));
    await until(() => inbox.length === 4, 3000, "4 echoes");
    assert.equal(inbox[0], "hello");
    assert.deepEqual([...new Uint8Array(inbox[1] as ArrayBuffer)], [0, 1, 2, 255]);
    assert.equal((inbox[2] as string).length, 2 * 1024 * 1024);
    assert.equal((inbox[3] as string).length, 200_000);
    ws.send("close-me");
    const ev = await closed;
    assert.equal(ev.code, 4321);
    assert.equal(ev.reason, "asked to close");

    // A close started by the browser reaches the service with its code.
    const ws2 = new WebSocket(`ws://127.0.0.1:${harness.port}/alpha/admin/ws`, {
      headers: ADMIN_AUTH,
    });
    await new Promise((r) => (ws2.onopen = r));
    const closed2 = new Promise((r) => (ws2.onclose = r));
    ws2.close(4000, "bye");
    await closed2;
    await until(() => wsCloseCodes.includes(4000), 2000, "close code 4000 at the service");
  } finally {
    await svc.close();
    await harness.close();
  }
});

test("a hanging service stalls neither the router nor other services", async () => {
  const harness = await startRouter({ probeTimeoutMs: 500 });
  const good = await startFixtureService(harness.root, "good");
  const hang = await startBrokenSocket(harness.root, "stuck", "hang");
  try {
    const pending = fetch(`${harness.base}/stuck/rpc/anything`, { headers: ADMIN_AUTH }).then(
      (r) => r.status,
      () => 0,
    );
    const t0 = Date.now();
    const ok = await fetch(`${harness.base}/good/admin/echo`, { headers: ADMIN_AUTH });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const api = await fetch(`${harness.base}/api/services`, { headers: ADMIN_AUTH });
    assert.equal(api.status, 200);
    await api.body?.cancel();
    assert.ok(Date.now() - t0 < 1000);
    await hang.close(); // the stuck service finally goes away: its request ends with 502
    assert.equal(await pending, 502);
  } finally {
    await hang.close();
    await good.close();
    await harness.close();
  }
});

test("hop-by-hop headers of a 101 response are stripped", async () => {
  const harness = await startRouter();
  await Deno.mkdir(`${harness.root}/rawws`);
  const listener = Deno.listen({ transport: "unix", path: `${harness.root}/rawws/admin.sock` });
  const served = (async () => {
    // Discovery may probe the new socket first: those requests get a 404. A head may also
    // arrive in several reads on a busy machine.
    for (;;) {
      const conn = await listener.accept();
      const buf = new Uint8Array(8192);
      let req = "";
      while (!req.includes("\r\n\r\n")) {
        const n = await conn.read(buf);
        if (n === null) break;
        req += new TextDecoder().decode(buf.subarray(0, n));
      }
      const key = /sec-websocket-key: (.*)\r\n/i.exec(req)?.[1];
      if (key === undefined) {
        await conn.write(
          new TextEncoder().encode("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"),
        ).catch(() => {});
        conn.close();
        continue;
      }
      const digest = await crypto.subtle.digest(
        "SHA-1",
        new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
      );
      const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
      await conn.write(new TextEncoder().encode(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade, x-hop\r\n" +
          `sec-websocket-accept: ${accept}\r\nx-hop: secret\r\nkeep-alive: timeout=5\r\n` +
          "x-end: kept\r\n\r\n",
      ));
      await new Promise((r) => setTimeout(r, 200));
      conn.close();
      return req;
    }
  })();
  try {
    const res = await rawHttp(
      harness.port,
      `GET /rawws/admin/socket HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\nupgrade: websocket\r\n` +
        "connection: Upgrade, x-client-hop\r\nx-client-hop: 1\r\n" +
        "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
    );
    assert.equal(statusOf(res), 101);
    assert.match(res, /x-end: kept/i);
    assert.doesNotMatch(res, /x-hop/i);
    assert.doesNotMatch(res, /keep-alive/i);
    const req = await served;
    assert.match(req, /^GET \/socket HTTP\/1\.1/);
    assert.doesNotMatch(req, /x-client-hop/i);
    assert.match(req, /x-forwarded-prefix: \/rawws\/admin/i);
  } finally {
    listener.close();
    await harness.close();
  }
});

test("WebSocket backpressure: a browser that does not read holds the data at the service", async () => {
  const harness = await startRouter();
  const svc = await startFixtureService(harness.root, "alpha");
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: harness.port });
  try {
    await conn.write(new TextEncoder().encode(
      `GET /alpha/admin/flood HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${ADMIN_TOKEN}\r\nupgrade: websocket\r\n` +
        "connection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "sec-websocket-version: 13\r\n\r\n",
    ));
    // Never read: 32 MiB are sent by the service; the router must not soak them up.
    await until(() => floodState.buffered >= 0, 3000, "flood measurement");
    assert.ok(
      floodState.buffered > 8 * 1024 * 1024,
      `only ${floodState.buffered} bytes left queued at the service: the relay buffered the rest`,
    );
  } finally {
    conn.close();
    await svc.close();
    await harness.close();
  }
});
