/**
 * The browser tests' skip rule: skipped without Chromium on a developer's machine, never on CI
 * (where a missing browser must fail the run).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromiumSkip, onCi } from "./chromium.ts";

const BOGUS = "/nonexistent/chromium-for-test";

test("without Chromium and without CI the browser tests skip, saying why", () => {
  assert.equal(chromiumSkip(BOGUS, {}), `${BOGUS} is not installed`);
  assert.equal(chromiumSkip(BOGUS, { CI: "" }), `${BOGUS} is not installed`);
  assert.equal(chromiumSkip(BOGUS, { CI: "false" }), `${BOGUS} is not installed`);
});

test("without Chromium on CI the browser tests run (and fail at launch)", () => {
  assert.equal(chromiumSkip(BOGUS, { CI: "1" }), false);
  assert.equal(chromiumSkip(BOGUS, { CI: "true" }), false);
  assert.equal(onCi({ CI: "0" }), false);
});

test("with an executable present the browser tests run", () => {
  assert.equal(chromiumSkip(process.execPath, {}), false);
});
