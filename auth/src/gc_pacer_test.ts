/**
 * The GC pacer's rule, tick by tick with made-up readings (no `--expose-gc`, no clock): a
 * collection once a burst is over, none during one unless RSS runs far ahead, none repeated
 * while idle.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { GcPace } from "./gc_pacer.ts";

const MB = 1024 * 1024;
const SLACK = 8 * MB;
const IDLE = 0.01;
const BURST = 0.9;

/** A pace that has had its first collection, with RSS at `rss` MB right after it. */
function settled(rss: number): GcPace {
  const pace = new GcPace(SLACK);
  assert.equal(pace.due(rss * MB, IDLE), true, "the first tick collects what start-up left");
  pace.collected(rss * MB);
  return pace;
}

test("during a burst RSS grows past the slack and nothing is collected", () => {
  const pace = settled(90);
  for (const rss of [100, 120, 140, 150]) {
    assert.equal(pace.due(rss * MB, BURST), false, `busy, ${rss} MB`);
  }
});

test("once the burst is over one collection runs, then none while idle", () => {
  const pace = settled(90);
  assert.equal(pace.due(150 * MB, BURST), false);
  assert.equal(pace.due(150 * MB, IDLE), true, "the first idle tick after the burst");
  pace.collected(95 * MB);
  for (let i = 0; i < 5; i++) assert.equal(pace.due(95 * MB, IDLE), false, `idle tick ${i}`);
});

test("idle growth under the slack is left alone", () => {
  const pace = settled(90);
  assert.equal(pace.due(97 * MB, IDLE), false);
  assert.equal(pace.due(90 * MB + SLACK, IDLE), true, "growth of exactly the slack collects");
});

test("under steady load RSS eight slacks ahead is collected anyway", () => {
  const pace = settled(90);
  assert.equal(pace.due(90 * MB + 8 * SLACK - 1, BURST), false);
  assert.equal(pace.due(90 * MB + 8 * SLACK, BURST), true);
});

test("RSS handed back by V8 itself lowers the mark growth is measured from", () => {
  const pace = settled(90);
  assert.equal(pace.due(80 * MB, IDLE), false);
  assert.equal(pace.due(89 * MB, IDLE), true, "9 MB above the new low, though below 90 MB");
});

test("a loop busy for exactly a fifth of the tick counts as idle", () => {
  const pace = settled(90);
  assert.equal(pace.due(100 * MB, 0.2), true);
  assert.equal(pace.due(120 * MB, 0.21), false);
});
