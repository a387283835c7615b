/** The import-cycle check finds a cycle (of two files, of three, a self import) and no false one. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cycles } from "./check_cycles.mjs";

const graph = (edges) => new Map(Object.entries(edges));

test("a chain and a diamond have no cycle", () => {
  assert.deepEqual(cycles(graph({ a: ["b", "c"], b: ["d"], c: ["d"], d: [] })), []);
});

test("two files importing each other are one cycle", () => {
  assert.deepEqual(cycles(graph({ a: ["b"], b: ["a"], c: ["a"] })), [["a", "b"]]);
});

test("a longer loop and a self import are each reported", () => {
  const found = cycles(graph({ a: ["b"], b: ["c"], c: ["a"], d: ["d"], e: [] }));
  assert.deepEqual(found.sort(), [["a", "b", "c"], ["d"]]);
});
