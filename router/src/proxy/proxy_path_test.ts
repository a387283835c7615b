/** Tests of proxy path parsing: targets, reserved names and every traversal trick. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isProxyPathError, parseProxyPath, type ProxyTarget } from "./proxy_path.ts";

function target(path: string): ProxyTarget {
  const t = parseProxyPath(path);
  assert.ok(t && !isProxyPathError(t), `${path} should parse: ${JSON.stringify(t)}`);
  return t;
}

function status(path: string): number {
  const t = parseProxyPath(path);
  assert.ok(t && isProxyPathError(t), `${path} should be refused, got ${JSON.stringify(t)}`);
  return t.status;
}

test("documented examples map to socket and rest", () => {
  assert.deepEqual(target("/hero_proc/admin/api/jobs"), {
    service: "hero_proc",
    webname: "admin",
    rest: "/api/jobs",
    prefix: "/hero_proc/admin",
  });
  assert.equal(target("/hero_db/rpc").rest, "/");
  assert.equal(target("/hero_inspector/admin/").rest, "/");
  assert.equal(target("/svc/web_docs/a/b?x=1&y=/../z").rest, "/a/b?x=1&y=/../z");
  assert.equal(target("/svc/admin/a/./b/../c/").rest, "/a/c/");
  assert.equal(parseProxyPath("/"), undefined);
});

test("reserved names and bad names are 404", () => {
  for (
    const p of [
      "/api/admin/",
      "/mcp/rpc",
      "/rpc/rpc",
      "/Svc/admin/",
      "/svc/other/",
      "/svc/",
      "/svc",
    ]
  ) {
    assert.equal(status(p), 404, p);
  }
});

test("no encoding trick can name another socket", () => {
  for (
    const p of [
      "/%2e%2e/admin/",
      "/svc%2f..%2fother/admin/",
      "/svc/..%2fother%2fadmin/x",
      "/svc/%2e%2e/other/admin",
      "/svc/admin%2f..%2f..%2fother/",
      "/svc/web_%2e%2e/",
      "/svc%252f..%252fother/admin/",
      "/../other/admin/",
    ]
  ) {
    const t = parseProxyPath(p);
    assert.ok(t && isProxyPathError(t), `${p} must be refused`);
  }
});

test("rest may not climb above the service root, in any encoding", () => {
  for (
    const p of [
      "/svc/admin/../../other/admin/",
      "/svc/admin/%2e%2e/x",
      "/svc/admin/%2E%2e/x",
      "/svc/admin/.%2e/x",
      "/svc/admin/%252e%252e/x",
      "/svc/admin/a/..%2f..%2fx",
      "/svc/admin/a/%2e%2e%5c%2e%2e/x",
      "/svc/admin/%zz",
    ]
  ) {
    assert.equal(status(p), 400, p);
  }
  assert.equal(target("/svc/admin/a/%2e%2e/b").rest, "/b");
});
