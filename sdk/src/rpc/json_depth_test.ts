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
    // An escaped backslash, then an escaped quote: the string goes on past both.
    assert.equal(jsonDepthExceeds('["x\\\\\\"[[[[", 1]', 1), false);
    assert.equal(jsonDepthExceeds('["x\\\\\\"[[", [[1]]]', 2), true);
    assert.equal(jsonDepthExceeds('["unterminated [[[[', 1), false);
  });
});
