/** The kept-bytes Response behaves as a Response, including members it does not implement. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesResponse, knownResponseOf, toStandardResponse } from "./response_bytes.ts";
import { forwardToStandard } from "./standard_view.ts";

const body = () => new TextEncoder().encode('{"ok":true}');

describe("bytesResponse", () => {
  it("is a Response with status, headers and body readers served from the kept parts", async () => {
    const res = bytesResponse(body(), {
      status: 201,
      headers: { "content-type": "application/json" },
    });
    assert.ok(res instanceof Response);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-length"), "11");
    assert.deepEqual(knownResponseOf(res)?.headers, {
      "content-type": "application/json",
      "content-length": "11",
    });
    assert.deepEqual(await res.json(), { ok: true });
    assert.equal(res.bodyUsed, true);
    assert.equal(knownResponseOf(res), undefined, "a consumed body is no longer offered as bytes");
    await assert.rejects(res.text(), /already been read/);
  });

  it("forwards members it does not implement to a standard Response", async () => {
    const res = bytesResponse(body());
    assert.equal(res.type, "default");
    const copy = res.clone();
    assert.equal(await copy.text(), '{"ok":true}');
    assert.equal(knownResponseOf(res), undefined, "after the standard Response exists, it rules");
    const std = toStandardResponse(res);
    assert.equal(Object.getPrototypeOf(std), Response.prototype);
    assert.equal(await std.text(), '{"ok":true}');
  });
});

describe("forwardToStandard", () => {
  class Standard {
    readonly n: number;
    constructor(n: number) {
      this.n = n;
    }
    get doubled(): number {
      return this.n * 2;
    }
    describe(): string {
      return `standard ${this.n}`;
    }
  }

  function viewClass() {
    let lookups = 0;
    class View {
      built = 0;
      own(): string {
        return "own";
      }
      toStandard(): Standard {
        this.built++;
        return new Standard(21);
      }
    }
    forwardToStandard(View, () => (lookups++, Standard));
    return { View: View as unknown as new () => View & Standard, lookups: () => lookups };
  }

  it("does not look up the standard class while only the view's own members are used", async () => {
    const { View, lookups } = viewClass();
    const v = new View();
    assert.equal(v.own(), "own");
    assert.equal(await Promise.resolve(v), v, "awaiting a view asks for `then`, which stays local");
    assert.equal(lookups(), 0);
    assert.equal(v.built, 0);
  });

  it("links on the first instanceof check or unknown member, then forwards", () => {
    const a = viewClass();
    assert.ok(new a.View() instanceof Standard);
    assert.equal(a.lookups(), 1);
    const b = viewClass();
    const v = new b.View();
    assert.equal(v.doubled, 42);
    assert.equal(v.describe(), "standard 21");
    assert.equal("describe" in v, true);
    assert.equal(b.lookups(), 1, "the class is looked up once");
    assert.equal(new b.View().doubled, 42);
  });
});
