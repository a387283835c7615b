/** The read-once body behind the request and response views. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OnceBody } from "./once_body.ts";

test("a body reads once, then throws as a consumed web body does", () => {
  const body = new OnceBody(new TextEncoder().encode("héllo"));
  assert.equal(body.used, false);
  assert.equal(body.text(), "héllo");
  assert.equal(body.used, true);
  assert.throws(() => body.arrayBuffer(), /already been read/);
  assert.throws(() => body.assertUnused(), /already been read/);
});

test("arrayBuffer holds only the body's bytes when they are a view into a larger buffer", () => {
  const whole = new Uint8Array([1, 2, 3, 4, 5]);
  const ab = new OnceBody(whole.subarray(1, 4)).arrayBuffer();
  assert.deepEqual([...new Uint8Array(ab)], [2, 3, 4]);
});
