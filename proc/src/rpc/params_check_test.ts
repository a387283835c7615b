/**
 * hero_proc's params schemas stay within the SDK's in-house schema subset, so the daemon never
 * loads Ajv (about 9 MB resident, see proc/README.md): every method compiles, its examples pass, a stray param is
 * refused, and afterwards Ajv is still not loaded in this process.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import { OWNER_CALLER, RpcError, RpcErrorCode } from "@hero/sdk";
import { createProcApi } from "./api.ts";

test("every method is validated without Ajv", async () => {
  const api = createProcApi({
    sup: () => {
      throw new Error("no supervisor in this test");
    },
    logs: () => {
      throw new Error("no log store in this test");
    },
    paths: { state_dir: "", config_dir: "", socket: "" },
    version: "0",
    startedAt: 0,
    shutdown: () => Promise.resolve({ survivors: [] }),
  }, "eager");
  const methods = api.document.methods as {
    name: string;
    examples?: { params: { name: string; value: unknown }[] }[];
  }[];
  let examples = 0;
  for (const m of methods) {
    const ctx = { method: m.name, caller: OWNER_CALLER, signal: AbortSignal.timeout(5000) };
    for (const ex of m.examples ?? []) {
      const params = Object.fromEntries(ex.params.map((p) => [p.name, p.value]));
      // Valid params reach the handler, which has nothing to work with here.
      const err = await api.call(m.name, params, ctx).then(() => undefined, (e) => e);
      assert.ok(
        !(err instanceof RpcError && err.code === RpcErrorCode.InvalidParams),
        `${m.name} example rejected: ${err?.message}`,
      );
      examples++;
    }
    const stray = await api.call(m.name, { zz_not_a_param: 1 }, ctx).then(() => null, (e) => e);
    assert.ok(stray instanceof RpcError && stray.code === RpcErrorCode.InvalidParams, m.name);
  }
  assert.ok(examples >= methods.length / 2, `only ${examples} examples`);
  const cache = createRequire(import.meta.url).cache;
  assert.deepEqual(Object.keys(cache).filter((k) => k.includes("/node_modules/ajv/")), []);
});
