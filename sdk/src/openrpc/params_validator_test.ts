/**
 * Params validation through an API: schemas within the in-house subset and schemas that need
 * Ajv give the same kind of InvalidParams errors, in eager and lazy compilation alike.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import { defineApi } from "./api.ts";
import { defineMethod } from "./method.ts";

function api(compileValidators: "eager" | "lazy") {
  return defineApi({
    info: { title: "t", version: "1" },
    compileValidators,
    methods: [
      defineMethod({
        name: "subset",
        params: [
          { name: "n", schema: { type: "integer", minimum: 1 }, required: true },
          { name: "tag", schema: { type: "string", maxLength: 3 } },
        ],
        result: { name: "params", schema: {} },
        handler: (p) => p,
      }),
      defineMethod({
        name: "ajv",
        params: [{ name: "n", schema: { type: "integer", multipleOf: 2 }, required: true }],
        result: { name: "params", schema: {} },
        handler: (p) => p,
      }),
    ],
  });
}

async function rejection(p: Promise<unknown>): Promise<{ message: string; data: unknown }> {
  const err = await p.then(() => assert.fail("expected a rejection"), (e) => e);
  assert.ok(err instanceof RpcError);
  assert.equal(err.code, RpcErrorCode.InvalidParams);
  return { message: err.message, data: err.data };
}

for (const mode of ["eager", "lazy"] as const) {
  describe(`params validation (${mode})`, () => {
    const a = api(mode);
    const call = (method: string, params: unknown) => a.call(method, params, { method } as never);

    it("checks subset schemas: wrong type, limit, unknown and missing params", async () => {
      assert.deepEqual(await call("subset", [2, "ab"]), { n: 2, tag: "ab" });
      assert.deepEqual(await rejection(call("subset", { n: 0 })), {
        message: 'Invalid params for "subset": "n" must be >= 1',
        data: { errors: [{ path: "/n", message: "must be >= 1" }] },
      });
      assert.match((await rejection(call("subset", { n: 1.5 }))).message, /"n" must be integer/);
      assert.match(
        (await rejection(call("subset", { n: 1, tag: "long" }))).message,
        /"tag" must NOT have more than 3 characters/,
      );
      assert.match((await rejection(call("subset", { n: 1, x: 1 }))).message, /unknown param "x"/);
      assert.match((await rejection(call("subset", {}))).message, /missing required param "n"/);
    });

    it("checks schemas outside the subset with Ajv, reporting the same way", async () => {
      assert.deepEqual(await call("ajv", { n: 4 }), { n: 4 });
      assert.deepEqual(await rejection(call("ajv", { n: 3 })), {
        message: 'Invalid params for "ajv": "n" must be multiple of 2',
        data: { errors: [{ path: "/n", message: "must be multiple of 2" }] },
      });
      assert.match((await rejection(call("ajv", { n: 4, x: 1 }))).message, /unknown param "x"/);
    });
  });
}
