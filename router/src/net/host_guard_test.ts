/** Tests of the Host/Origin (DNS rebinding) checks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { hostnameOf, hostProblem } from "./host_guard.ts";

const req = (headers: Record<string, string>) => new Request("http://x/", { headers });

test("hostnameOf strips ports and brackets", () => {
  assert.equal(hostnameOf("[::1]:9988"), "::1");
  assert.equal(hostnameOf("LocalHost:80"), "localhost");
  assert.equal(hostnameOf("127.0.0.1"), "127.0.0.1");
});

test("IP literals and localhost pass; other names are refused", () => {
  assert.equal(hostProblem(req({ host: "127.0.0.1:9988" })), undefined);
  assert.equal(hostProblem(req({ host: "[::1]:9988" })), undefined);
  assert.equal(hostProblem(req({ host: "localhost:9988" })), undefined);
  assert.match(hostProblem(req({ host: "evil.example:9988" })) ?? "", /DNS rebinding/);
  assert.equal(
    hostProblem(req({ host: "router.lan:9988" }), { allowedHosts: ["router.lan"] }),
    undefined,
  );
});

test("a foreign Origin is refused even with a good Host", () => {
  assert.match(
    hostProblem(req({ host: "127.0.0.1:9988", origin: "http://evil.example" })) ?? "",
    /origin/,
  );
  assert.equal(
    hostProblem(req({ host: "127.0.0.1:9988", origin: "http://127.0.0.1:9988" })),
    undefined,
  );
  assert.match(hostProblem(req({ host: "127.0.0.1", origin: "::garbage" })) ?? "", /origin/);
});

test("the opaque origin null (sandboxed iframes, file: pages) is refused", () => {
  assert.match(hostProblem(req({ host: "127.0.0.1:9988", origin: "null" })) ?? "", /"null"/);
});
