/** Tests of the proxy's Unix-socket HTTP/1.1 client against real servers on real sockets. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tempRoot } from "../test_support/fixtures.ts";
import { UnixHttpClient } from "./unix_http_client.ts";

async function readBody(body: Uint8Array | ReadableStream<Uint8Array> | null): Promise<string> {
  if (body === null) return "";
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return await new Response(body).text();
}

test("keep-alive reuse, chunked and streamed bodies, uploads, HEAD", async () => {
  const { root, cleanup } = await tempRoot();
  const path = `${root}/s.sock`;
  const server = Deno.serve({ path, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/stream") {
      const parts = ["a", "b", "c"];
      return new Response(
        new ReadableStream({
          pull(c) {
            const p = parts.shift();
            if (p === undefined) c.close();
            else c.enqueue(new TextEncoder().encode(p.repeat(100_000)));
          },
        }),
      );
    }
    const body = req.body ? await req.text() : "";
    return Response.json({ method: req.method, path: url.pathname + url.search, len: body.length });
  });
  const client = new UnixHttpClient(path);
  try {
    for (let i = 0; i < 5; i++) {
      const r = await client.send({
        method: "GET",
        target: `/x?i=${i}`,
        headers: [["host", "h"]],
        body: null,
      });
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(await readBody(r.body)), {
        method: "GET",
        path: `/x?i=${i}`,
        len: 0,
      });
    }
    const big = await client.send({
      method: "GET",
      target: "/stream",
      headers: [["host", "h"]],
      body: null,
    });
    assert.equal((await readBody(big.body)).length, 300_000);
    const upload = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(10_000).fill(65));
        c.close();
      },
    });
    const up = await client.send({
      method: "POST",
      target: "/up",
      headers: [["host", "h"]],
      body: upload,
    });
    assert.equal(JSON.parse(await readBody(up.body)).len, 100_000);
    const head = await client.send({
      method: "HEAD",
      target: "/x",
      headers: [["host", "h"]],
      body: null,
    });
    assert.equal(head.body, null);
    const after = await client.send({
      method: "GET",
      target: "/y",
      headers: [["host", "h"]],
      body: null,
    });
    assert.equal(JSON.parse(await readBody(after.body)).path, "/y");
  } finally {
    client.close();
    await server.shutdown();
    await cleanup();
  }
});

test("a kept-alive connection closed by the server is retried; garbage is an error", async () => {
  const { root, cleanup } = await tempRoot();
  const path = `${root}/raw.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  let served = 0;
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(4096);
        await conn.read(buf);
        served++;
        if (served === 3) await conn.write(new TextEncoder().encode("garbage\r\n\r\n"));
        else {
          // Answers once with keep-alive, then closes: the client's pooled connection goes stale.
          await conn.write(
            new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
          );
          await new Promise((r) => setTimeout(r, 20));
        }
        conn.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  const client = new UnixHttpClient(path);
  try {
    const a = await client.send({
      method: "GET",
      target: "/",
      headers: [["host", "h"]],
      body: null,
    });
    assert.equal(await readBody(a.body), "ok");
    await new Promise((r) => setTimeout(r, 60));
    const b = await client.send({
      method: "GET",
      target: "/",
      headers: [["host", "h"]],
      body: null,
    });
    assert.equal(await readBody(b.body), "ok");
    await assert.rejects(
      client.send({ method: "GET", target: "/", headers: [["host", "h"]], body: null }),
      /not HTTP/,
    );
  } finally {
    client.close();
    listener.close();
    await cleanup();
  }
});
