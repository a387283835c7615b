/** Validation of service definitions and TOML files: clear errors, normalised results. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { validateService } from "./validate_service.ts";
import { loadServiceDir } from "../config/toml_loader.ts";
import { findCycle } from "./graph.ts";
import { tempDir } from "../test_support.ts";

test("defaults and shorthand: a top-level exec is one process action called main", () => {
  const s = validateService({ name: "svc", exec: "echo hi", env: { PORT: 8080 } });
  assert.equal(s.actions.length, 1);
  const a = s.actions[0];
  assert.equal(a.name, "main");
  assert.deepEqual(a.exec, ["/bin/sh", "-c", "echo hi"]);
  assert.deepEqual(a.env, { PORT: "8080" });
  assert.equal(a.kind, "process");
  assert.equal(a.restart.policy, "always");
  assert.deepEqual(a.stop, { signal: "SIGTERM", timeout_ms: 10000 });
  assert.equal(s.autostart, true);
  const spec = validateService({
    name: "o",
    actions: { m: { exec: ["true"], kind: "oneshot", stop: { signal: "int" } } },
  });
  assert.equal(spec.actions[0].restart.policy, "never");
  assert.equal(spec.actions[0].stop.signal, "SIGINT");
});

test("bad names, signals, commands, fields and health specs are rejected with the place named", () => {
  const bad: [unknown, RegExp][] = [
    [
      { name: "My App", exec: "x" },
      /Invalid service name "My App": a service name may only contain/,
    ],
    [{ name: "admin", exec: "x" }, /"admin" is reserved by hero_router/],
    [{ name: "ok" }, /a service needs at least one action/],
    [{ name: "ok", exec: "   " }, /exec: the command is empty/],
    [{ name: "ok", exec: ["", "x"] }, /exec: give a command string or a non-empty list/],
    [{ name: "ok", exec: 5 }, /exec: give a command string/],
    [{ name: "ok", exec: "x", stop: { signal: "SIGFOO" } }, /stop.signal: unknown signal "SIGFOO"/],
    [
      { name: "ok", exec: "x", restart: { delay_ms: -1 } },
      /restart.delay_ms must be a whole number >= 0/,
    ],
    [
      { name: "ok", exec: "x", restart: { delay_ms: 500, max_delay_ms: 100 } },
      /max_delay_ms must be >= delay_ms/,
    ],
    [{ name: "ok", exec: "x", health: { tcp: "nohost" } }, /health.tcp must be "host:port"/],
    [
      { name: "ok", exec: "x", health: { tcp: 1, http: "http://x" } },
      /give exactly one of exec, tcp, http, socket/,
    ],
    [{ name: "ok", exec: "x", health: { http: "ftp://x" } }, /health.http must be a URL/],
    [{ name: "ok", exec: "x", colour: "red" }, /unknown field "colour"/],
    [
      { name: "ok", actions: { "Bad-Action": { exec: "x" } } },
      /action "Bad-Action": an action name may only contain/,
    ],
    [
      { name: "ok", actions: { a: { exec: "x", depends_on: ["a"] } } },
      /an action cannot depend on itself/,
    ],
    [{ name: "ok", exec: "x", requires: ["ok"] }, /a service cannot depend on itself/],
    [{ name: "ok", exec: "x", kind: "daemon" }, /kind must be "process" or "oneshot"/],
    [
      { name: "ok", exec: ["no_such_program_xyz"] },
      /command not found or not executable: "no_such_program_xyz" \(searched PATH\)/,
    ],
    [
      { name: "ok", exec: ["/nonexistent/prog"] },
      /command not found or not executable: "\/nonexistent\/prog"/,
    ],
    [{ name: "ok", exec: ["/tmp"] }, /command not found or not executable: "\/tmp"/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => validateService(input), (e: Error & { code?: string }) => {
      assert.equal(e.code, "VALIDATION_FAILED");
      assert.match(e.message, message);
      return true;
    });
  }
});

test("findCycle reports the cycle path", () => {
  const g = new Map([["a.x", ["b.x"]], ["b.x", ["c.x"]], ["c.x", ["a.x"]], ["d.x", []]]);
  assert.deepEqual(findCycle(g), ["a.x", "b.x", "c.x", "a.x"]);
  assert.equal(findCycle(new Map([["a.x", ["b.x"]], ["b.x", []]])), undefined);
});

test("TOML directory: file stem is the default name; each broken file is reported on its own", () => {
  const { dir, cleanup } = tempDir();
  try {
    fs.writeFileSync(
      path.join(dir, "web.toml"),
      `description = "the web"\nrequires = ["db"]\n[actions.server]\nexec = ["sleep", "60"]\nrestart = { policy = "on-failure", delay_ms = 10 }\n[actions.server.health]\ntcp = "127.0.0.1:8080"\n`,
    );
    fs.writeFileSync(path.join(dir, "db.toml"), `exec = "sleep 60"\n`);
    const { services, errors } = loadServiceDir(dir);
    assert.deepEqual(services.map((s) => s.name), ["db", "web"]);
    assert.deepEqual(errors, []);
    assert.deepEqual(services[1].actions[0].health?.target, ["127.0.0.1", "8080"]);
    // One level of subdirectories (a mounted conf.d), not deeper, and not hidden ones.
    fs.mkdirSync(path.join(dir, "mounted/deeper"), { recursive: true });
    fs.mkdirSync(path.join(dir, ".hidden"));
    fs.writeFileSync(path.join(dir, "mounted/cache.toml"), `exec = "sleep 60"\n`);
    fs.writeFileSync(path.join(dir, "mounted/deeper/no.toml"), `exec = "sleep 60"\n`);
    fs.writeFileSync(path.join(dir, ".hidden/no.toml"), `exec = "sleep 60"\n`);
    assert.deepEqual(loadServiceDir(dir).services.map((s) => s.name), ["db", "cache", "web"]);
    fs.rmSync(path.join(dir, "mounted"), { recursive: true });
    // Each file loads or fails on its own, with the line and column of a syntax error.
    fs.writeFileSync(path.join(dir, "zz.toml"), `description = "x"\nexec = [unclosed`);
    let r = loadServiceDir(dir);
    assert.deepEqual(r.services.map((s) => s.name), ["db", "web"]);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0].error, /zz\.toml:2:\d+: invalid TOML: /);
    fs.writeFileSync(path.join(dir, "zz.toml"), `exec = "x"\nkind = "forever"`);
    fs.writeFileSync(path.join(dir, "yy.toml"), `name = "db"\nexec = "x"`);
    r = loadServiceDir(dir);
    assert.deepEqual(r.services.map((s) => s.name), ["db", "web"]);
    assert.deepEqual(r.errors.map((e) => e.name), ["db", "zz"]);
    assert.match(
      r.errors.find((e) => e.name === "zz")!.error,
      /zz\.toml: Invalid service "zz": action "main": kind must be/,
    );
    assert.match(
      r.errors.find((e) => e.name === "db")!.error,
      /db\.toml: service "db" is already defined in .*yy\.toml|yy\.toml: service "db" is already defined in .*db\.toml/,
    );
  } finally {
    cleanup();
  }
});

test("limits: memory, cpu and pids are parsed from TOML and RPC forms; bad ones are refused", () => {
  const { dir, cleanup } = tempDir();
  try {
    fs.writeFileSync(
      path.join(dir, "lim.toml"),
      `exec = ["sleep", "60"]\nlimits = { memory = "256M", cpu = "50%", pids = 100 }\n`,
    );
    assert.deepEqual(loadServiceDir(dir).services[0].actions[0].limits, {
      memory_bytes: 256 * 1024 * 1024,
      cpu_percent: 50,
      pids: 100,
    });
  } finally {
    cleanup();
  }
  const rpc = validateService({ name: "l", exec: "x", limits: { memory: "1.5G", cpu: 1.5 } });
  assert.deepEqual(rpc.actions[0].limits, { memory_bytes: 1.5 * 1024 ** 3, cpu_percent: 150 });
  assert.equal(validateService({ name: "n", exec: "x" }).actions[0].limits, undefined);
  const bad: [unknown, RegExp][] = [
    [{ memory: "lots" }, /limits\.memory must be a size such as "256M"/],
    [{ memory: "512K" }, /limits\.memory must be at least 1M/],
    [{ cpu: "fast" }, /limits\.cpu must be a share of one CPU/],
    [{ cpu: "0%" }, /limits\.cpu must be a share/],
    [{ pids: 0 }, /limits\.pids must be a whole number >= 1/],
    [{ swap: "1G" }, /unknown field "swap"|swap/],
  ];
  for (const [limits, re] of bad) {
    assert.throws(() => validateService({ name: "l", exec: "x", limits }), re);
  }
});
