/**
 * The SDK client against services written without it — plain `node:http` and Python's
 * `http.server`, both routing on the request line's path (`/rpc`) — on Node (`node --test`) and on
 * Deno (`deno test`): calls, errors, and the HTTP status reported when an answer is not JSON.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { HeroError, RpcClient, RpcError, RpcErrorCode } from "../mod.ts";
import { currentRuntime } from "../src/runtime/current.ts";
import { foreignServices, startForeign } from "./foreign/foreign_fixtures.ts";

describe(`SDK client on ${currentRuntime().name} against services without the SDK`, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-foreign-"));
  const children: ChildProcess[] = [];

  before(async () => {
    for (const s of foreignServices(root)) children.push(await startForeign(s.cmd, s.args));
  });
  after(() => {
    for (const c of children) c.kill("SIGTERM");
    fs.rmSync(root, { recursive: true, force: true });
  });

  for (const name of ["plainnode", "plainpy"]) {
    it(`calls ${name}, which routes on req.url === "/rpc"`, async () => {
      const client = new RpcClient(path.join(root, name, "rpc.sock"));
      try {
        assert.equal(await client.call("greet", { name: "Ada" }), "Hello, Ada!");
        assert.equal(await client.call("add", { a: 20, b: 22 }), 42);
        const err = await client.call("nope").catch((e) => e);
        assert.ok(err instanceof RpcError, String(err));
        assert.equal(err.code, RpcErrorCode.MethodNotFound);
        const doc = await client.call<{ methods: { name: string }[] }>("rpc.discover");
        assert.deepEqual(doc.methods.map((m) => m.name), ["greet", "add"]);
      } finally {
        client.close();
      }
    });
  }

  it("sends origin-form request lines (the raw transport gets the service's own routes)", async () => {
    const raw = currentRuntime().transport({
      socketPath: path.join(root, "plainnode", "rpc.sock"),
    });
    try {
      const res = await raw.send({ method: "GET", path: "/nowhere" });
      assert.equal(res.status, 404);
      assert.equal(res.body, "no route for GET /nowhere\n");
    } finally {
      raw.close();
    }
  });

  it("reports the HTTP status when an answer is not JSON", async () => {
    const client = new RpcClient(path.join(root, "plainnode_broken", "rpc.sock"));
    try {
      const err = await client.call("greet", { name: "x" }).catch((e) => e);
      assert.ok(err instanceof HeroError, String(err));
      assert.equal(err.code, "BAD_RESPONSE");
      assert.match(err.message, /HTTP 502, not JSON/);
    } finally {
      client.close();
    }
  });
});
