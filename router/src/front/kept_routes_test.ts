/** Tests of the fast path's kept answers: per head and peer, a bounded number, stale never. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KeptRoutes } from "./kept_routes.ts";
import type { FastRoute } from "./tcp_front.ts";

const route = { rest: "/x", prefix: "/a/admin", service: "a" } as unknown as FastRoute;

test("answers are kept per peer and head, at most 1,024 in all, none after the generation moves", () => {
  const generation = new Int32Array(new SharedArrayBuffer(4));
  const kept = new KeptRoutes(generation);
  kept.keep("10.0.0.1", "GET / HTTP/1.1\r\n\r\n", route, kept.generation());
  assert.equal(kept.get("10.0.0.1", "GET / HTTP/1.1\r\n\r\n"), route);
  assert.equal(kept.get("10.0.0.2", "GET / HTTP/1.1\r\n\r\n"), undefined, "another peer");
  assert.equal(kept.get("10.0.0.1", "GET /b HTTP/1.1\r\n\r\n"), undefined, "another head");
  for (let i = 0; i < 1023; i++) kept.keep(`10.1.${i >> 8}.${i & 255}`, "h", route, 0);
  assert.equal(kept.size, 1024);
  kept.keep("10.9.9.9", "h", route, 0);
  assert.equal(kept.size, 1, "past the bound everything else is forgotten");
  assert.equal(kept.get("10.0.0.1", "GET / HTTP/1.1\r\n\r\n"), undefined);
  const before = kept.generation();
  Atomics.add(generation, 0, 1);
  kept.keep("10.0.0.1", "h", route, before);
  assert.equal(kept.get("10.0.0.1", "h"), undefined, "decided before the move: not kept");
  assert.equal(kept.get("10.9.9.9", "h"), undefined, "kept before the move: dropped");
  assert.equal(kept.size, 0);
});
