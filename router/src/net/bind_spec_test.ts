/** Tests of the --bind grammar and the legacy --address/--port pair. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBind, parseBind, planBinds } from "./bind_spec.ts";

test("parseBind accepts the documented forms", () => {
  assert.deepEqual(parseBind(":9988"), { hostname: "127.0.0.1", port: 9988 });
  assert.deepEqual(parseBind("0.0.0.0:9988"), { hostname: "0.0.0.0", port: 9988 });
  assert.deepEqual(parseBind("[::1]:9988"), { hostname: "::1", port: 9988 });
  assert.deepEqual(parseBind("[::]:9989"), { hostname: "::", port: 9989 });
  assert.deepEqual(parseBind("localhost:0"), { hostname: "127.0.0.1", port: 0 });
});

test("parseBind refuses bad input with a clear message", () => {
  for (const bad of ["9988", "::1:9988", "[::1]9988", "1.2.3.4:70000", "host.example:80", ":x"]) {
    assert.throws(
      () => parseBind(bad),
      (e: Error) => e.message.includes(`Invalid --bind "${bad}"`),
    );
  }
});

test("formatBind round-trips", () => {
  assert.equal(formatBind(parseBind("[::1]:80")), "[::1]:80");
  assert.equal(formatBind(parseBind(":80")), "127.0.0.1:80");
});

test("planBinds: several --bind, legacy pair, zero listeners, default chain", () => {
  assert.equal(planBinds({ binds: [":9988", "[::]:9989"] }).targets?.length, 2);
  assert.deepEqual(planBinds({ binds: [], port: "0" }), { targets: [], defaultPort: 0 });
  assert.deepEqual(planBinds({ binds: [], port: "7000", address: "0.0.0.0" }).targets, [
    { hostname: "0.0.0.0", port: 7000 },
  ]);
  assert.deepEqual(planBinds({ binds: [] }), { defaultPort: 9988 });
  assert.deepEqual(planBinds({ binds: [], port: "7000" }), { defaultPort: 7000 });
  assert.throws(() => planBinds({ binds: [":1"], port: "2" }), /either --bind or the legacy/);
  assert.throws(() => planBinds({ binds: [], address: "nowhere" }), /not an IP address/);
});
