/** The Node adapter accepts both request-target forms (Deno's Unix-socket client sends the absolute one). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { absoluteUrl } from "./node_request.ts";

test("origin-form and absolute-form request targets give the same URL", () => {
  assert.equal(
    absoluteUrl({ url: "/rpc", headers: { host: "localhost" } }),
    "http://localhost/rpc",
  );
  assert.equal(
    absoluteUrl({ url: "http://localhost/rpc", headers: { host: "localhost" } }),
    "http://localhost/rpc",
  );
  assert.equal(
    new URL(absoluteUrl({ url: "http://localhost/rpc?x=1", headers: {} })).pathname,
    "/rpc",
  );
  assert.equal(absoluteUrl({ headers: {} }), "http://localhost/");
});
