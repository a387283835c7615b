/** The one duration syntax: units, bare seconds, and a clear error for anything else. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isHeroError } from "../errors/hero_error.ts";
import { hasDurationUnit, parseDuration } from "./duration.ts";

test("every unit, and a bare number as seconds", () => {
  assert.equal(parseDuration("500ms", "x"), 500);
  assert.equal(parseDuration("30s", "x"), 30_000);
  assert.equal(parseDuration("15m", "x"), 900_000);
  assert.equal(parseDuration("2h", "x"), 7_200_000);
  assert.equal(parseDuration("7d", "x"), 604_800_000);
  assert.equal(parseDuration(" 1.5 ", "x"), 1500);
  assert.equal(parseDuration("0", "x"), 0);
});

test("anything else is INVALID_DURATION naming the setting", () => {
  for (const bad of ["", "soon", "-1s", "5w", "1e3", "s"]) {
    assert.throws(
      () => parseDuration(bad, "HERO_X"),
      (e) => isHeroError(e, "INVALID_DURATION") && e.message.startsWith(`Invalid HERO_X "${bad}"`),
    );
  }
});

test("a unit is told apart from a bare number", () => {
  assert.equal(hasDurationUnit("15m"), true);
  assert.equal(hasDurationUnit("15"), false);
  assert.equal(hasDurationUnit("2026-01-31"), false);
});
