/** When params validators are compiled, and how methods without params check their input. */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import { HeroServer } from "../server/hero_server.ts";
import { defineApi, type RpcApi } from "./api.ts";
import { defineMethod } from "./method.ts";

const ctx = { method: "m", signal: new AbortController().signal };

const badSchemaApi = (compileValidators?: "lazy") =>
  defineApi({
    info: { title: "Bad", version: "1" },
    compileValidators,
    methods: [defineMethod({
      name: "broken",
      params: [{ name: "x", schema: { type: "no-such-type" } }],
      result: { name: "r", schema: {} },
      handler: () => 1,
    })],
  });

async function codeOf(api: RpcApi, method: string, params: unknown): Promise<number | undefined> {
  const err = await api.call(method, params, ctx).then(() => undefined, (e: unknown) => e);
  return err instanceof RpcError ? err.code : undefined;
}

describe("params validators", () => {
  it("a bad schema stops the server from starting, and leaves no socket behind", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-prepare-"));
    try {
      const server = new HeroServer({ name: "bad", api: badSchemaApi(), socketRoot: root });
      await assert.rejects(server.start(), /no-such-type|schema is invalid/);
      await assert.rejects(fs.lstat(path.join(root, "bad", "rpc.sock")), /ENOENT/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("lazy validators are compiled on first call, and a bad one fails only that call", async () => {
    const api = badSchemaApi("lazy");
    await api.prepare();
    await assert.rejects(api.call("broken", { x: 1 }, ctx), /no-such-type|schema is invalid/);
  });

  it("a method without params accepts nothing, [] or {} and rejects anything else", async () => {
    const api = defineApi({
      info: { title: "Ping", version: "1" },
      methods: [defineMethod({
        name: "ping",
        params: [],
        result: { name: "pong", schema: { const: "pong" } },
        handler: () => "pong",
      })],
    });
    for (const ok of [undefined, [], {}]) assert.equal(await api.call("ping", ok, ctx), "pong");
    assert.equal(await codeOf(api, "ping", [1]), RpcErrorCode.InvalidParams);
    assert.equal(await codeOf(api, "ping", { x: 1 }), RpcErrorCode.InvalidParams);
    await assert.rejects(api.call("ping", { x: 1 }, ctx), /unknown param "x"/);
  });
});
