import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonDepthExceeds } from "./json_depth.ts";

describe("jsonDepthExceeds", () => {
  it("counts nesting of arrays and objects", () => {
    assert.equal(jsonDepthExceeds("[[[]]]", 3), false);
    assert.equal(jsonDepthExceeds("[[[[]]]]", 3), true);
    assert.equal(jsonDepthExceeds('{"a":{"b":[1]}}', 3), false);
    assert.equal(jsonDepthExceeds('{"a":{"b":[{}]}}', 3), true);
  });

  it("ignores brackets inside strings, including escaped quotes", () => {
    assert.equal(jsonDepthExceeds('["[[[[[[", "\\"[[[[["]', 1), false);
    assert.equal(jsonDepthExceeds('["\\\\", [[]]]', 2), true);
  });
});
