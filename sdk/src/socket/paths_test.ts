import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifySocket, resolveSocketRoot, serviceSocketPaths } from "./paths.ts";
import { RESERVED_SERVICE_NAMES, serviceNameProblem, validateServiceName } from "./service_name.ts";

const env = (vars: Record<string, string>) => (k: string) => vars[k];

describe("socket paths", () => {
  it("resolves the root: PATH_SOCKET, then HERO_SOCKET_DIR, then ~/hero/var/sockets", () => {
    assert.equal(
      resolveSocketRoot({ env: env({ PATH_SOCKET: "/a/", HERO_SOCKET_DIR: "/b" }), homeDir: "/h" }),
      "/a",
    );
    assert.equal(resolveSocketRoot({ env: env({ HERO_SOCKET_DIR: "/b" }), homeDir: "/h" }), "/b");
    assert.equal(
      resolveSocketRoot({ env: env({}), homeDir: "/home/u" }),
      "/home/u/hero/var/sockets",
    );
    assert.throws(() => resolveSocketRoot({ env: env({}), homeDir: "" }), /set PATH_SOCKET/);
  });

  it("lays out one directory per service with fixed socket names", () => {
    const p = serviceSocketPaths("/r", "notes");
    assert.equal(p.dir, "/r/notes");
    assert.equal(p.rpc, "/r/notes/rpc.sock");
    assert.equal(p.admin, "/r/notes/admin.sock");
    assert.equal(p.web("docs"), "/r/notes/web_docs.sock");
    assert.throws(() => p.web("../x"), /Invalid web socket name/);
  });

  it("classifies sockets by file name", () => {
    assert.equal(classifySocket("rpc.sock"), "rpc");
    assert.equal(classifySocket("admin.sock"), "admin");
    assert.equal(classifySocket("rest.sock"), "rest");
    assert.equal(classifySocket("openapi.sock"), "openapi");
    assert.equal(classifySocket("web_ui.sock"), "web");
    assert.equal(classifySocket("web_.sock"), "other");
    assert.equal(classifySocket("foo.sock"), "other");
  });
});

describe("service names", () => {
  it("accepts [a-z0-9_]+", () => {
    assert.equal(validateServiceName("hero_proc"), "hero_proc");
    assert.equal(serviceNameProblem("a1_b2"), undefined);
  });

  it("rejects bad characters, empty names, and every reserved router name", () => {
    for (const bad of ["", "Notes", "a-b", "a.b", "../x", "a/b", "x".repeat(65)]) {
      assert.throws(() => validateServiceName(bad), /Invalid service name/, bad);
    }
    for (const reserved of RESERVED_SERVICE_NAMES) {
      assert.ok(serviceNameProblem(reserved), reserved);
    }
    assert.match(serviceNameProblem("mcp") ?? "", /reserved by hero_router/);
    assert.throws(() => serviceSocketPaths("/r", "api"), /reserved/);
  });
});
