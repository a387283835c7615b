import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scanJsonRpcText } from "./json_rpc_scan.ts";

describe("scanJsonRpcText", () => {
  it("finds a repeated member of a request object, after unescaping", () => {
    assert.deepEqual(scanJsonRpcText('{"method":"a","id":1,"method":"b"}', 64), {
      kind: "duplicate_member",
      member: "method",
    });
    assert.deepEqual(scanJsonRpcText('{"method":"a","\\u006Dethod":"b"}', 64), {
      kind: "duplicate_member",
      member: "method",
    });
    assert.deepEqual(scanJsonRpcText('[{"id":1},{"id":2,"params":{},"id":3}]', 64), {
      kind: "duplicate_member",
      member: "id",
    });
  });

  it("ignores names inside values, strings and nested objects", () => {
    assert.equal(
      scanJsonRpcText('{"method":"method","params":{"method":1,"method":2}}', 64),
      undefined,
    );
    assert.equal(scanJsonRpcText('{"a":"x\\",\\"a","b":["a","a"]}', 64), undefined);
    assert.equal(scanJsonRpcText('[{"id":1},{"id":1}]', 64), undefined);
    assert.equal(scanJsonRpcText('[[{"id":1,"id":1}]]', 64), undefined);
  });

  it("reports nesting deeper than the limit", () => {
    assert.deepEqual(scanJsonRpcText("[[[[]]]]", 3), { kind: "too_deep", limit: 3 });
    assert.equal(scanJsonRpcText("[[[]]]", 3), undefined);
  });

  it("leaves malformed text to JSON.parse", () => {
    assert.equal(scanJsonRpcText('{"method":"a', 64), undefined);
    assert.equal(scanJsonRpcText('{"\\x":1,"\\x":2}', 64), undefined);
  });
});
