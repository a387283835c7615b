/**
 * A client that cancels its call (and so drops the connection) cancels the handler's work:
 * `ctx.signal` aborts on the server side. Runs on Deno and Node.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineApi, defineMethod, HeroServer, isHeroError, RpcClient } from "../../mod.ts";

describe("client disconnect", () => {
  it("aborts the handler's signal when the caller cancels", async () => {
    const root = await mkdtemp(join(tmpdir(), "hero_disconnect_"));
    const cancelled = Promise.withResolvers<void>();
    const started = Promise.withResolvers<void>();
    const api = defineApi({
      info: { title: "Waiter", version: "1.0.0" },
      methods: [defineMethod({
        name: "wait",
        params: [],
        result: { name: "never", schema: true },
        handler: (_p, ctx) =>
          new Promise((_, reject) => {
            started.resolve();
            ctx.signal.addEventListener("abort", () => {
              cancelled.resolve();
              reject(new Error("cancelled"));
            }, { once: true });
          }),
      })],
    });
    const server = new HeroServer({ name: "waiter", api, socketRoot: root });
    await server.start();
    const client = new RpcClient(server.rpcSocketPath);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const ctl = new AbortController();
      const call = client.call("wait", {}, { signal: ctl.signal });
      await started.promise;
      ctl.abort();
      await assert.rejects(call, (err) => isHeroError(err, "CANCELLED"));
      await Promise.race([
        cancelled.promise,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("handler signal never aborted")), 3000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      client.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
