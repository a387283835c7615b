/** Which Chromium the browser tests drive: `HERO_CHROMIUM` when set, else Debian's. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { chromiumPath } from "./chromium.ts";

test("HERO_CHROMIUM names the browser the tests drive", () => {
  assert.equal(chromiumPath({ HERO_CHROMIUM: "/opt/chromium/chrome" }), "/opt/chromium/chrome");
});

test("without HERO_CHROMIUM (or with it empty) the tests drive Debian's Chromium", () => {
  assert.equal(chromiumPath({}), "/usr/bin/chromium");
  assert.equal(chromiumPath({ HERO_CHROMIUM: "" }), "/usr/bin/chromium");
});
