/**
 * The server/client contract suite. The same file runs on Node (`node --test`) and on Deno
 * (`deno test`), against real servers on real Unix sockets, through the SDK client and raw HTTP.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  HeroError,
  HeroServer,
  type HttpTransport,
  RpcClient,
  RpcError,
  RpcErrorCode,
} from "../mod.ts";
import { currentRuntime } from "../internal.ts";
import { assertValidOpenRpc } from "./assert_openrpc.ts";
import { fixtureApi, type FixtureState } from "./fixture_api.ts";
import { spawnScript, waitForExit, waitForOutput } from "./spawn_runtime.ts";

const runtime = currentRuntime();

describe(`RPC contract on ${runtime.name}`, () => {
  let root: string;
  let server: HeroServer;
  let client: RpcClient;
  let raw: HttpTransport;
  const state: FixtureState = { counter: 0 };

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-contract-"));
    server = new HeroServer({
      name: "fixture",
      api: fixtureApi(state),
      socketRoot: root,
      admin: () => Promise.resolve(new Response("<!doctype html><title>admin</title>")),
      limits: { maxBodyBytes: 64 * 1024, requestTimeoutMs: 2000 },
    });
    await server.start();
    client = new RpcClient(server.rpcSocketPath);
    raw = runtime.transport({ socketPath: server.rpcSocketPath });
  });

  after(async () => {
    client.close();
    raw.close();
    await server.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const post = (body: string) =>
    raw.send({
      method: "POST",
      path: "/rpc",
      body,
      headers: { "content-type": "application/json" },
    });

  it("answers calls by name and by position", async () => {
    assert.deepEqual(await client.call("echo", { value: { a: [1, "x"] } }), { a: [1, "x"] });
    assert.equal(await client.call("add", [2, 3]), 5);
    assert.equal(await client.call("norm", { p: { x: 3, y: 4 } }), 5);
  });

  it("enforces the declared param structure", async () => {
    await assert.rejects(client.call("add", { a: 1, b: 2 }), isRpc(RpcErrorCode.InvalidParams));
    await assert.rejects(client.call("norm", [{ x: 1, y: 1 }]), isRpc(RpcErrorCode.InvalidParams));
  });

  it("rejects wrong types, missing and unknown params with -32602 and data", async () => {
    const err = await client.call("add", [1, "two"]).catch((e) => e);
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, RpcErrorCode.InvalidParams);
    assert.match(err.message, /Invalid params for "add": "b" must be number/);
    assert.deepEqual((err.data as { errors: unknown[] }).errors.length, 1);
    await assert.rejects(client.call("add", [1]), /missing required param "b"/);
    await assert.rejects(client.call("add", [1, 2, 3]), /at most 2 params/);
    await assert.rejects(client.call("echo", { value: 1, extra: 2 }), /unknown param "extra"/);
    await assert.rejects(client.call("norm", { p: { x: 1 } }), /"p" is missing "y"/);
  });

  it("answers unknown methods with -32601", async () => {
    await assert.rejects(client.call("nope"), isRpc(RpcErrorCode.MethodNotFound));
  });

  it("maps thrown errors in one place without leaking internals", async () => {
    const rpc = await rpcFailure(client.call("fail", { kind: "rpc" }));
    assert.equal(rpc.code, 4004);
    assert.deepEqual(rpc.data, { id: "x1" });
    const local = await rpcFailure(client.call("fail", { kind: "local" }));
    assert.equal(local.code, RpcErrorCode.InternalError);
    assert.deepEqual(local.data, { code: "NOT_READY" });
    const crash = await rpcFailure(client.call("fail", { kind: "crash" }));
    assert.equal(crash.code, RpcErrorCode.InternalError);
    assert.equal(crash.message, "Internal error: secret internals");
    assert.equal(crash.data, undefined);
  });

  it("answers malformed JSON with -32700 and id null", async () => {
    const res = await post('{"jsonrpc":"2.0","method":"echo",');
    const body = JSON.parse(res.body);
    assert.equal(body.id, null);
    assert.equal(body.error.code, RpcErrorCode.ParseError);
  });

  it("answers invalid request objects with -32600", async () => {
    for (const bad of ['{"method":"echo","id":1}', '{"jsonrpc":"2.0","id":2}', "42", "[]"]) {
      const res = JSON.parse((await post(bad)).body);
      assert.equal(res.error.code, RpcErrorCode.InvalidRequest, bad);
    }
    const withId = JSON.parse((await post('{"jsonrpc":"1.0","method":"x","id":7}')).body);
    assert.equal(withId.id, 7);
  });

  it("accepts only application/json on POST /rpc (415 otherwise), running nothing", async () => {
    const before = state.counter;
    const body = '{"jsonrpc":"2.0","id":1,"method":"counter.increment","params":{"by":1}}';
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "", "json"]) {
      const res = await raw.send({
        method: "POST",
        path: "/rpc",
        body,
        headers: type ? { "content-type": type } : {},
      });
      assert.equal(res.status, 415, `content-type "${type}"`);
      assert.match(JSON.parse(res.body).error.message, /application\/json/);
    }
    assert.equal(state.counter, before);
    const ok = await raw.send({
      method: "POST",
      path: "/rpc",
      body,
      headers: { "content-type": "Application/JSON; charset=utf-8" },
    });
    assert.equal(JSON.parse(ok.body).result, before + 1);
  });

  it("rejects a request object that names a member twice (-32600), running nothing", async () => {
    const before = state.counter;
    for (
      const bad of [
        '{"jsonrpc":"2.0","id":1,"method":"counter.get","method":"counter.increment","params":{"by":1}}',
        '{"jsonrpc":"2.0","id":1,"method":"counter.get","\\u006dethod":"counter.increment"}',
        '[{"jsonrpc":"2.0","id":1,"method":"add","params":[1,1]},' +
        '{"jsonrpc":"2.0","id":2,"id":3,"method":"counter.increment","params":{"by":1}}]',
      ]
    ) {
      const res = JSON.parse((await post(bad)).body);
      assert.equal(res.error.code, RpcErrorCode.InvalidRequest, bad);
      assert.match(res.error.message, /appears twice/);
    }
    assert.equal(state.counter, before);
    // Repeated names inside params are the method's business, not the envelope's.
    const nested = await post(
      '{"jsonrpc":"2.0","id":1,"method":"echo","params":{"value":{"a":1,"a":2}}}',
    );
    assert.deepEqual(JSON.parse(nested.body).result, { a: 2 });
  });

  it("answers a notification with 204 and runs it", async () => {
    const before = state.counter;
    const res = await post('{"jsonrpc":"2.0","method":"counter.increment","params":{"by":5}}');
    assert.equal(res.status, 204);
    assert.equal(res.body, "");
    assert.equal(state.counter, before + 5);
    await client.notify("counter.increment", { by: 1 });
    assert.equal(await client.call("counter.get"), before + 6);
  });

  it("handles mixed batches: calls, notifications, errors and invalid members", async () => {
    const batch = JSON.stringify([
      { jsonrpc: "2.0", id: 1, method: "add", params: [1, 1] },
      { jsonrpc: "2.0", method: "echo", params: { value: 1 } },
      { jsonrpc: "2.0", id: 2, method: "nope" },
      1,
      { jsonrpc: "2.0", id: 3, method: "add", params: ["x", 1] },
      { jsonrpc: "2.0", id: "s", method: "echo", params: { value: "ok" } },
    ]);
    const replies = JSON.parse((await post(batch)).body) as {
      id: unknown;
      error?: { code: number };
    }[];
    assert.equal(replies.length, 5);
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.deepEqual(byId.get(1), { jsonrpc: "2.0", id: 1, result: 2 });
    assert.equal(byId.get(2)?.error?.code, RpcErrorCode.MethodNotFound);
    assert.equal(byId.get(null)?.error?.code, RpcErrorCode.InvalidRequest);
    assert.equal(byId.get(3)?.error?.code, RpcErrorCode.InvalidParams);
    assert.deepEqual(byId.get("s"), { jsonrpc: "2.0", id: "s", result: "ok" });
    const allNotes = JSON.stringify([{ jsonrpc: "2.0", method: "counter.get" }]);
    assert.equal((await post(allNotes)).status, 204);
  });

  it("answers a result JSON cannot carry with -32603, alone and in a batch", async () => {
    const err = await client.call("cyclic").catch((e) => e);
    assert.ok(err instanceof RpcError && err.code === RpcErrorCode.InternalError, String(err));
    assert.match(err.message, /the result is not JSON/);
    const [bad, good] = await client.batch([{ method: "cyclic" }, {
      method: "add",
      params: [1, 2],
    }]);
    assert.equal(bad?.ok, false);
    assert.deepEqual(good, { ok: true, result: 3 });
  });

  it("returns batch outcomes in order through the client", async () => {
    const out = await client.batch([
      { method: "add", params: [2, 2] },
      { method: "counter.get", notify: true },
      { method: "nope" },
    ]);
    assert.deepEqual(out[0], { ok: true, result: 4 });
    assert.equal(out[1], undefined);
    assert.ok(out[2] && !out[2].ok && out[2].error.code === RpcErrorCode.MethodNotFound);
  });

  it("refuses oversize bodies with 413, changes nothing, stays up", async () => {
    const before = state.counter;
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "counter.increment",
      params: { by: 1, pad: "x".repeat(70 * 1024) },
    });
    const res = await post(huge);
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.body).error.code, RpcErrorCode.RequestTooLarge);
    assert.equal(state.counter, before);
    assert.equal(await client.call("add", [1, 1]), 2);
  });

  it("refuses deep nesting before parsing, stays up", async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"echo","params":{"value":${"[".repeat(5000)}${
      "]".repeat(5000)
    }}}`;
    const res = JSON.parse((await post(deep)).body);
    assert.equal(res.error.code, RpcErrorCode.InvalidRequest);
    assert.match(res.error.message, /nesting exceeds 64/);
    assert.equal(await client.call("add", [1, 1]), 2);
  });

  it("times out slow requests on the server side with -32001", async () => {
    const err = await client.call("sleep", { ms: 5000 }).catch((e) => e);
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, RpcErrorCode.RequestTimeout);
  });

  it("times out and cancels on the client side", async () => {
    const slow = await client.call("sleep", { ms: 1000 }, { timeoutMs: 50 }).catch((e) => e);
    assert.ok(slow instanceof HeroError && slow.code === "TIMEOUT", String(slow));
    const ctl = new AbortController();
    const pending = client.call("sleep", { ms: 1000 }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    const cancelled = await pending.catch((e) => e);
    assert.ok(cancelled instanceof HeroError && cancelled.code === "CANCELLED", String(cancelled));
  });

  it("streams progress and caller messages before the result when asked", async () => {
    const seen: [string, Record<string, unknown>][] = [];
    const result = await client.call("work", { steps: 3, ms: 5 }, {
      onNotification: (method, params) => seen.push([method, params]),
    });
    assert.equal(result, "worked");
    assert.deepEqual(seen.map(([m]) => m), [
      "rpc.log",
      "rpc.progress",
      "rpc.progress",
      "rpc.progress",
      "rpc.progress",
    ]);
    assert.deepEqual(seen[0][1].data, { started: 3 });
    assert.deepEqual(
      seen.slice(1).map(([, p]) => [p.progress, p.total]),
      [[0, 3], [1, 3], [2, 3], [3, 3]],
    );
    assert.equal(seen[1][1].message, "step 1");
    assert.equal(typeof seen[1][1].id, "number");
    // Without a listener the same call answers plain JSON and the reports go nowhere.
    assert.equal(await client.call("work", { steps: 2, ms: 1 }), "worked");
    // Errors end a streamed call like any other.
    const err = await client.call("work", { steps: 0, ms: 1 }, { onNotification: () => {} })
      .catch((e) => e);
    assert.ok(err instanceof RpcError && err.code === RpcErrorCode.InvalidParams, String(err));
  });

  it("cancels a streamed call on the server when the caller aborts", async () => {
    const before = state.cancelledWork ?? 0;
    const ctl = new AbortController();
    let reports = 0;
    const pending = client.call("work", { steps: 100, ms: 50 }, {
      signal: ctl.signal,
      onNotification: () => {
        if (++reports === 2) ctl.abort();
      },
    });
    const err = await pending.catch((e) => e);
    assert.ok(err instanceof HeroError && err.code === "CANCELLED", String(err));
    for (let i = 0; i < 50 && (state.cancelledWork ?? 0) === before; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(state.cancelledWork, before + 1);
  });

  it("answers 1,000 concurrent requests from several clients correctly", async () => {
    const before = state.counter;
    const clients = Array.from({ length: 5 }, () => new RpcClient(server.rpcSocketPath));
    const calls = Array.from({ length: 1000 }, (_, i) => {
      const c = clients[i % clients.length];
      return i % 4 === 0
        ? c.call("nope").then(() => "unexpected", (e) => (e as RpcError).code)
        : c.call("echo", { value: { i, tag: `v${i}` } });
    });
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 4 === 0) assert.equal(r, RpcErrorCode.MethodNotFound);
      else assert.deepEqual(r, { i, tag: `v${i}` });
    });
    clients.forEach((c) => c.close());
    assert.equal(state.counter, before);
    assert.equal(await client.call("add", [20, 22]), 42);
  });

  it("serves a valid OpenRPC document at /openrpc.json and rpc.discover", async () => {
    const res = await raw.send({ method: "GET", path: "/openrpc.json" });
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.body) as {
      info: { version: string };
      methods: ({ name: string } & Record<string, unknown>)[];
    };
    assert.deepEqual(await client.call("rpc.discover"), doc);
    assertValidOpenRpc(doc);
    assert.equal(doc.info.version, "1.2.3");
    const add = doc.methods.find((m) => m.name === "add");
    assert.equal(add?.paramStructure, "by-position");
    assert.deepEqual(add?.examples, [{
      name: "one plus two",
      params: [{ name: "a", value: 1 }, { name: "b", value: 2 }],
      result: { name: "sum", value: 3 },
    }]);
    const get = doc.methods.find((m) => m.name === "counter.get");
    assert.deepEqual(get?.["x-hero-annotations"], { readOnlyHint: true });
  });

  it("serves health and the openrpc manifest, never HTML", async () => {
    const health = JSON.parse((await raw.send({ method: "GET", path: "/health" })).body);
    assert.equal(health.status, "ok");
    assert.equal(health.service, "fixture");
    assert.equal(health.version, "1.2.3");
    assert.equal(typeof health.uptime_s, "number");
    const manifest = JSON.parse(
      (await raw.send({ method: "GET", path: "/.well-known/heroservice.json" })).body,
    );
    assert.deepEqual(manifest, {
      protocol: "openrpc",
      name: "fixture",
      title: "Fixture",
      version: "1.2.3",
      description: "Contract test fixture",
      socket: "rpc",
    });
    for (const p of ["/", "/index.html", "/admin"]) {
      const res = await raw.send({ method: "GET", path: p, headers: { accept: "text/html" } });
      assert.equal(res.status, 404);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    }
    assert.equal((await raw.send({ method: "GET", path: "/rpc" })).status, 405);
  });

  it("keeps the admin socket for the UI: ui manifest, no POST /rpc", async () => {
    const admin = server.sockets.find((s) => s.socket === "admin")!;
    const t = runtime.transport({ socketPath: admin.path });
    try {
      const manifest = JSON.parse(
        (await t.send({ method: "GET", path: "/.well-known/heroservice.json" })).body,
      );
      assert.equal(manifest.protocol, "ui");
      assert.equal(manifest.socket, "admin");
      const rpc = await t.send({
        method: "POST",
        path: "/rpc",
        body: '{"jsonrpc":"2.0","id":1,"method":"counter.get"}',
      });
      assert.equal(rpc.status, 405);
      assert.match((await t.send({ method: "GET", path: "/" })).body, /<title>admin/);
    } finally {
      t.close();
    }
  });

  it("creates an owner-only directory and sockets", async () => {
    const dir = await runtime.lstat(path.join(root, "fixture"));
    assert.equal(dir?.mode, 0o700);
    for (const s of server.sockets) {
      const info = await runtime.lstat(s.path);
      assert.equal(info?.isSocket, true);
      assert.equal(info?.mode, 0o600, s.path);
    }
  });
});

describe(`socket lifecycle on ${runtime.name}`, () => {
  const script = new URL("./serve_fixture.ts", import.meta.url).pathname;

  it("replaces a stale socket, refuses a live one naming its holder, cleans up on SIGTERM", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-life-"));
    const sock = path.join(root, "life", "rpc.sock");
    try {
      // kill -9 leaves the socket files behind: the next start must treat them as stale.
      const crashed = spawnScript(script, [root, "life"]);
      await waitForOutput(crashed, "ready");
      crashed.kill("SIGKILL");
      await waitForExit(crashed);
      assert.equal((await runtime.lstat(sock))?.isSocket, true);
      await fs.writeFile(path.join(root, "life", "keep.txt"), "x");

      const first = spawnScript(script, [root, "life"]);
      await waitForOutput(first, "ready");
      const second = spawnScript(script, [root, "life"]);
      const out = await waitForOutput(second, "in use").catch((e) => String(e));
      assert.match(out, /Cannot start "life": .*rpc\.sock is in use by pid \d+/);
      assert.equal(await waitForExit(second), 3);
      const probe = new RpcClient(sock);
      assert.equal(await probe.call("add", [1, 2]), 3, "the first server must be unharmed");
      probe.close();
      const closed = waitForOutput(first, "closed");
      first.kill("SIGTERM");
      await closed;
      const status = await waitForExit(first);
      // Deno's node:child_process reports the signal we sent instead of the real exit code 0
      // (checked with Deno.Command), so only Node can assert the code; both assert "closed".
      if (runtime.name !== "deno") assert.equal(status, 0);
      assert.equal(await runtime.lstat(sock), undefined);
      assert.equal(await runtime.lstat(path.join(root, "life", "admin.sock")), undefined);
      assert.equal(await fs.readFile(path.join(root, "life", "keep.txt"), "utf8"), "x");
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("refuses to delete a regular file in place of a socket", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-file-"));
    try {
      await fs.mkdir(path.join(root, "svc"), { recursive: true });
      await fs.writeFile(path.join(root, "svc", "rpc.sock"), "precious");
      const s = new HeroServer({ name: "svc", api: fixtureApi({ counter: 0 }), socketRoot: root });
      await assert.rejects(s.start(), /exists and is not a socket/);
      assert.equal(await fs.readFile(path.join(root, "svc", "rpc.sock"), "utf8"), "precious");
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("serves the same API over TCP for URL clients", async () => {
    const { createRpcSocketHandler } = await import("../internal.ts");
    const handler = createRpcSocketHandler({
      api: fixtureApi({ counter: 0 }),
      manifest: {
        protocol: "openrpc",
        name: "tcp",
        title: "T",
        version: "1",
        description: "",
        socket: "rpc",
      },
      limits: {
        maxBodyBytes: 1024,
        maxHeaderBytes: 8192,
        maxJsonDepth: 8,
        maxBatchSize: 10,
        requestTimeoutMs: 1000,
      },
      startedAt: Date.now(),
      shutdownSignal: new AbortController().signal,
    });
    const listener = await runtime.serveTcp("127.0.0.1", 0, handler, {
      maxHeaderBytes: 8192,
      requestTimeoutMs: 1000,
    });
    const c = new RpcClient(`http://127.0.0.1:${listener.port}`);
    try {
      assert.equal(await c.call("add", [40, 2]), 42);
    } finally {
      c.close();
      await listener.close();
    }
  });
});

/** Resolves the RpcError a call rejects with (fails the test if it resolves or fails otherwise). */
async function rpcFailure(call: Promise<unknown>): Promise<RpcError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof RpcError, `expected an RpcError, got ${String(err)}`);
  return err;
}

function isRpc(code: number) {
  return (err: unknown) => err instanceof RpcError && err.code === code;
}
