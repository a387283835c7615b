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
});

test("without a level word: stdout is info, stderr is error", () => {
  assert.equal(lineLevel("stdout", "beat 1: all good"), "info");
  assert.equal(lineLevel("stderr", "beat 1: stretching"), "error");
  assert.equal(lineLevel("stderr", "information is not a level"), "error");
  assert.equal(lineLevel("stdout", "errors: 0"), "info");
});
