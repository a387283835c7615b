/** The kept-bytes Response behaves as a Response, including members it does not implement. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesResponse, knownResponseOf, toStandardResponse } from "./response_bytes.ts";

const body = () => new TextEncoder().encode('{"ok":true}');

describe("bytesResponse", () => {
  it("is a Response with status, headers and body readers served from the kept parts", async () => {
    const res = bytesResponse(body(), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
    assert.ok(res instanceof Response);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-length"), "11");
    assert.deepEqual(knownResponseOf(res)?.headers, {
      "content-type": "application/json",
      "content-length": "11",
    });
    assert.deepEqual(await res.json(), { ok: true });
    assert.equal(res.bodyUsed, true);
    assert.equal(knownResponseOf(res), undefined, "a consumed body is no longer offered as bytes");
    await assert.rejects(res.text(), /already been read/);
  });

  it("forwards members it does not implement to a standard Response", async () => {
    const res = bytesResponse(body());
    assert.equal(res.type, "default");
    const copy = res.clone();
    assert.equal(await copy.text(), '{"ok":true}');
    assert.equal(knownResponseOf(res), undefined, "after the standard Response exists, it rules");
    const std = toStandardResponse(res);
    assert.equal(Object.getPrototypeOf(std), Response.prototype);
    assert.equal(await std.text(), '{"ok":true}');
  });
});
