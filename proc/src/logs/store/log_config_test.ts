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

test("sizes use hero_proc's size syntax (units with or without B/iB, any case)", () => {
  const o = logStoreOptions("/s", {
    HERO_PROC_LOG_MAX_BYTES: "500MiB",
    HERO_PROC_LOG_RATE: "1.5k",
    HERO_PROC_LOG_BURST: " 2000 ",
    HERO_PROC_LOG_MIN_FREE: "1 GB",
  });
  assert.equal(o.retention?.maxBytes, 500 * 1024 ** 2);
  assert.deepEqual(o.rate, { linesPerSecond: 1536, burst: 2000 });
  assert.equal(o.minFreeBytes, 1024 ** 3);
});

test("0 turns a limit off (in any unit); 0 is not refused as a bad size", () => {
  const o = logStoreOptions("/s", { HERO_PROC_LOG_RATE: "0", HERO_PROC_LOG_MIN_FREE: "0M" });
  assert.equal(o.rate?.linesPerSecond, 0);
  assert.equal(o.minFreeBytes, 0);
  assert.equal(logStoreOptions("/s", { HERO_PROC_LOG_MAX_BYTES: "0.0" }).retention?.maxBytes, 0);
});

test("a bad size names the setting and the value", () => {
  for (const bad of ["12QB", "-1", "1.2.3", "0x10", "0 Q"]) {
    assert.throws(
      () => logStoreOptions("/s", { HERO_PROC_LOG_MIN_FREE: bad }),
      (e) =>
        isHeroError(e, "INVALID_CONFIG") &&
        e.message ===
          `Cannot read HERO_PROC_LOG_MIN_FREE: "${bad}" is not a size (use bytes or a number with K, M, G or T)`,
    );
  }
});
