/** Arguments to params (by name, by position) and outcomes to CallToolResults. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { errorResult, successResult, toParams } from "./call_tool.ts";
import type { MethodBinding } from "./method_tool.ts";

const byPos: MethodBinding = {
  service: "s",
  method: "m",
  paramNames: ["a", "b", "c"],
  byPosition: true,
  media: [],
};

describe("tool call mapping", () => {
  it("passes by-name arguments as they are", () => {
    assert.deepEqual(toParams({ ...byPos, byPosition: false }, { b: 1, x: 2 }), {
      value: { b: 1, x: 2 },
    });
  });

  it("orders by-position arguments and drops trailing absent ones", () => {
    assert.deepEqual(toParams(byPos, { b: 2, a: 1 }), { value: [1, 2] });
    assert.deepEqual(toParams(byPos, { a: null, b: 2, c: 3 }), { value: [null, 2, 3] });
    assert.deepEqual(toParams(byPos, {}), { value: [] });
  });

  it("refuses a gap or an unknown name for by-position methods", () => {
    assert.match(
      (toParams(byPos, { a: 1, c: 3 }) as { error: { message: string } }).error.message,
      /Argument "b" is required because a later positional argument is given/,
    );
    assert.deepEqual(toParams(byPos, { a: 1, z: 0 }), {
      error: { code: -32602, message: "Unknown argument: z" },
    });
  });

  it("wraps non-object results and keeps object results as structured content", () => {
    assert.deepEqual(successResult([1, 2]), {
      content: [{ type: "text", text: "[1,2]" }],
      structuredContent: { result: [1, 2] },
    });
    assert.deepEqual(successResult(null).structuredContent, { result: null });
    assert.deepEqual(successResult({ a: 1 }).structuredContent, { a: 1 });
  });

  it("turns a JSON-RPC error into an isError result with code, message and data", () => {
    assert.deepEqual(errorResult({ code: -32602, message: "Bad", data: { field: "a" } }), {
      content: [{ type: "text", text: 'Error -32602: Bad {"field":"a"}' }],
      structuredContent: { error: { code: -32602, message: "Bad", data: { field: "a" } } },
      isError: true,
    });
  });
});
