/** Tool naming: sanitising, the 64-character cut with hash suffix, uniqueness, stability. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assignToolNames, baseToolName, MAX_TOOL_NAME_LENGTH } from "./tool_name.ts";

describe("tool names", () => {
  it("joins service and method and replaces characters outside [A-Za-z0-9_-]", () => {
    assert.equal(baseToolName("notes", "note.create"), "notes_note_create");
    assert.equal(baseToolName("svc", "a/b c:d-é"), "svc_a_b_c_d-_");
  });

  it("cuts long names to 64 characters with a stable hash suffix", () => {
    const method = "m".repeat(100);
    const name = baseToolName("svc", method);
    assert.equal(name.length, MAX_TOOL_NAME_LENGTH);
    assert.match(name, /^svc_m+_[0-9a-f]{8}$/);
    assert.equal(baseToolName("svc", method), name, "same input, same name");
    assert.notEqual(baseToolName("svc", "m".repeat(99) + "n"), name, "different input differs");
  });

  it("keeps names unique when sanitising makes them collide", () => {
    const names = assignToolNames([
      { service: "a", method: "b.c" },
      { service: "a", method: "b_c" },
      { service: "a_b", method: "c" },
    ]);
    assert.equal(names[0], "a_b_c");
    assert.equal(new Set(names).size, 3);
    for (const n of names) assert.match(n, /^[A-Za-z0-9_-]{1,64}$/);
    assert.deepEqual(
      assignToolNames([
        { service: "a", method: "b.c" },
        { service: "a", method: "b_c" },
        { service: "a_b", method: "c" },
      ]),
      names,
      "stable across runs",
    );
  });
});
