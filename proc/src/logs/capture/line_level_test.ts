/** Levels of captured lines: named however the program names them, else by stream (documented). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lineLevel } from "./line_level.ts";

test("a level named at the start of a line wins over the stream", () => {
  assert.equal(lineLevel("stderr", "INFO hero_router: service.added notes"), "info");
  assert.equal(lineLevel("stderr", "[warn] disk almost full"), "warn");
  assert.equal(lineLevel("stdout", "2026-11-22T01:06:53.280Z ERROR boom"), "error");
  assert.equal(lineLevel("stdout", "WARNING: deprecated"), "warn");
  assert.equal(lineLevel("stderr", "debug: probing"), "debug");
  assert.equal(lineLevel("stderr", "CRITICAL out of memory"), "fatal");
  assert.equal(lineLevel("stderr", "INFO:root:listening on 8080"), "info", "Python logging");
  assert.equal(lineLevel("stderr", "Notice: config reloaded"), "info");
});

test("syslog prefixes, logfmt and JSON fields, exceptions", () => {
  assert.equal(lineLevel("stderr", "<3>cannot open /dev/x"), "error");
  assert.equal(lineLevel("stderr", "<6>started"), "info");
  assert.equal(lineLevel("stdout", "<4>low on disk"), "warn");
  assert.equal(lineLevel("stderr", 'time=2026-01-01 level=info msg="listening"'), "info");
  assert.equal(lineLevel("stdout", 'ts=1 lvl=error msg="db down"'), "error");
  assert.equal(lineLevel("stderr", '{"level":"debug","msg":"tick"}'), "debug");
  assert.equal(lineLevel("stdout", '{"level":50,"time":1,"msg":"boom"}'), "error", "pino");
  assert.equal(lineLevel("stderr", '{"severity":"WARNING","message":"slow"}'), "warn");
  assert.equal(lineLevel("stderr", "TypeError: x is not a function"), "error");
  assert.equal(lineLevel("stderr", "Traceback (most recent call last):"), "error");
  assert.equal(lineLevel("stderr", "panic: runtime error: index out of range"), "fatal");
  assert.equal(lineLevel("stdout", "battery level: low"), "info", "not a level value");
});

test("without a level: stdout is info, stderr is warn", () => {
  assert.equal(lineLevel("stdout", "beat 1: all good"), "info");
  assert.equal(lineLevel("stderr", "beat 1: stretching"), "warn");
  assert.equal(lineLevel("stderr", "information is not a level"), "warn");
  assert.equal(lineLevel("stdout", "errors: 0"), "info");
});

test("an indented line continues the level of the line before it (stack traces)", () => {
  assert.equal(lineLevel("stderr", "    at main (/app/server.js:3:9)", "error"), "error");
  assert.equal(lineLevel("stderr", '  File "app.py", line 3, in <module>', "error"), "error");
  assert.equal(lineLevel("stdout", "  continued", "warn"), "warn");
  assert.equal(lineLevel("stderr", "not indented", "error"), "warn");
  assert.equal(lineLevel("stderr", "    at nothing before"), "warn");
});
