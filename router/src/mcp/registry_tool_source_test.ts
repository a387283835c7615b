/** The discovery-cache adapter: which records become services, which events pass, calls. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeroServer } from "@hero/sdk";
import {
  type RegistryEventLike,
  type RegistryRecordLike,
  RegistryToolSource,
} from "./registry_tool_source.ts";
import { exampleApi } from "./test_fixtures.ts";
import type { ToolSourceEvent } from "./tool_source.ts";

function fakeRegistry(records: RegistryRecordLike[]) {
  const listeners = new Set<(e: RegistryEventLike) => void>();
  return {
    records,
    list: () => records,
    subscribe(fn: (e: RegistryEventLike) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    emit: (e: RegistryEventLike) => listeners.forEach((fn) => fn(e)),
  };
}

describe("registry tool source", () => {
  it("lists services with a document and an RPC target, and calls them", async () => {
    const root = await Deno.makeTempDir({ prefix: "hero_mcp_reg_" });
    const api = exampleApi();
    const server = new HeroServer({ name: "example", api, socketRoot: root });
    await server.start();
    const registry = fakeRegistry([
      { entry: { name: "example", rpcTarget: server.rpcSocketPath }, openrpc: api.document },
      { entry: { name: "ui_only" } },
      { entry: { name: "unprobed", rpcTarget: "/x/rpc.sock" } },
    ]);
    const source = new RegistryToolSource(registry);
    try {
      assert.deepEqual(source.list().map((s) => s.name), ["example"]);
      assert.deepEqual(await source.call("example", "add", [1, 2]), { ok: true, result: 3 });
      const missing = await source.call("ui_only", "x", {});
      assert.equal(missing.ok, false);
    } finally {
      source.close();
      await server.close();
      await Deno.remove(root, { recursive: true });
    }
  });

  it("a service that moves is called at its new target (its pooled client is replaced)", async () => {
    const roots = [
      await Deno.makeTempDir({ prefix: "hero_mcp_mv1_" }),
      await Deno.makeTempDir({ prefix: "hero_mcp_mv2_" }),
    ];
    const api = exampleApi();
    const servers = roots.map((socketRoot) => new HeroServer({ name: "example", api, socketRoot }));
    for (const s of servers) await s.start();
    const record = {
      entry: { name: "example", rpcTarget: servers[0].rpcSocketPath },
      openrpc: api.document,
    };
    const source = new RegistryToolSource(fakeRegistry([record]));
    try {
      assert.deepEqual(await source.call("example", "add", [1, 2]), { ok: true, result: 3 });
      await servers[0].close();
      record.entry.rpcTarget = servers[1].rpcSocketPath;
      assert.deepEqual(await source.call("example", "add", [2, 2]), { ok: true, result: 4 });
    } finally {
      source.close();
      await servers[1].close();
      for (const r of roots) await Deno.remove(r, { recursive: true });
    }
  });

  it("forwards additions, removals and document changes, not health-only changes", () => {
    const registry = fakeRegistry([]);
    const source = new RegistryToolSource(registry);
    const seen: ToolSourceEvent[] = [];
    const off = source.subscribe((e) => seen.push(e));
    registry.emit({ type: "service.added", service: { name: "a" }, openrpcChanged: true });
    registry.emit({ type: "service.changed", service: { name: "a" }, openrpcChanged: false });
    registry.emit({ type: "service.changed", service: { name: "a" }, openrpcChanged: true });
    registry.emit({ type: "service.removed", service: { name: "a" }, openrpcChanged: false });
    off();
    registry.emit({ type: "service.added", service: { name: "b" }, openrpcChanged: true });
    assert.deepEqual(seen, [
      { type: "added", name: "a" },
      { type: "changed", name: "a" },
      { type: "removed", name: "a" },
    ]);
  });
});
