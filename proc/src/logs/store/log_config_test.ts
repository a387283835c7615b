/** The log store's environment settings: ages in the SDK's duration syntax, sizes with units. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isHeroError } from "@hero/sdk";
import { logStoreOptions } from "./log_config.ts";

test("HERO_PROC_LOG_MAX_AGE is a duration; a bare number is seconds", () => {
  const age = (v: string) =>
    logStoreOptions("/s", { HERO_PROC_LOG_MAX_AGE: v }).retention?.maxAgeMs;
  assert.equal(age("12h"), 12 * 3_600_000);
  assert.equal(age("60"), 60_000);
  assert.equal(age("250ms"), 250);
  assert.throws(
    () => age("a week"),
    (e) => isHeroError(e, "INVALID_DURATION") && /HERO_PROC_LOG_MAX_AGE "a week"/.test(e.message),
  );
});

test("sizes keep their binary units; unset or empty means the default", () => {
  const o = logStoreOptions("/s", { HERO_PROC_LOG_MAX_BYTES: "1G", HERO_PROC_LOG_MAX_AGE: "" });
  assert.equal(o.retention?.maxBytes, 1024 ** 3);
  assert.equal(o.retention?.maxAgeMs, undefined);
  assert.equal(o.file, "/s/logs.db");
  assert.throws(() => logStoreOptions("/s", { HERO_PROC_LOG_RATE: "fast" }), /HERO_PROC_LOG_RATE/);
});
