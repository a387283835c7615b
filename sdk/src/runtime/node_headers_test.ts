/** The Headers view of a Node message: the fast reads match a standard Headers, the rest forwards. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { headersFromRaw, standardHeaders } from "./node_headers.ts";

const RAW = ["Content-Length", "12", "X-Tag", " a ", "x-tag", "b", "Set-Cookie", "k=1"];

test("get and has read the raw list like a standard Headers would", () => {
  const view = headersFromRaw(RAW);
  const std = new Headers();
  for (let i = 0; i < RAW.length; i += 2) std.append(RAW[i], RAW[i + 1]);
  for (const name of ["content-length", "CONTENT-LENGTH", "x-tag", "set-cookie", "missing"]) {
    assert.equal(view.get(name), std.get(name), name);
    assert.equal(view.has(name), std.has(name), name);
  }
  assert.throws(() => view.get("bad name"), TypeError);
});

test("is a Headers; iteration and changes go to a standard Headers built once", () => {
  const view = headersFromRaw(RAW);
  assert.ok(view instanceof Headers);
  assert.deepEqual([...view.keys()], ["content-length", "set-cookie", "x-tag"]);
  view.set("x-tag", "c");
  view.delete("content-length");
  assert.equal(view.get("x-tag"), "c");
  assert.equal(view.has("content-length"), false);
  const seen: string[] = [];
  view.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, ["set-cookie=k=1", "x-tag=c"]);
  assert.equal(Object.getPrototypeOf(standardHeaders(view)), Headers.prototype);
  assert.equal(standardHeaders(view).get("x-tag"), "c");
});
