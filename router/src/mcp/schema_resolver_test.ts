/** Schema resolution: local $refs, cycles, draft-07 rewrites, remote $refs, broken input. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SchemaProblem, SchemaResolver } from "./schema_resolver.ts";

const doc = {
  components: {
    schemas: {
      Id: { type: "string", format: "uuid", description: "An id" },
      Pair: { type: "object", properties: { a: { $ref: "#/components/schemas/Id" } } },
      Node: {
        type: "object",
        properties: { next: { $ref: "#/components/schemas/Node" }, value: { type: "number" } },
      },
      A: { type: "object", properties: { b: { $ref: "#/components/schemas/B" } } },
      B: { type: "object", properties: { a: { $ref: "#/components/schemas/A" } } },
      "We/ird~name": { type: "integer" },
    },
  },
};

describe("schema resolver", () => {
  it("inlines local $refs, also nested ones", () => {
    const r = new SchemaResolver(doc);
    assert.deepEqual(r.resolve({ $ref: "#/components/schemas/Pair" }), {
      type: "object",
      properties: { a: { type: "string", format: "uuid", description: "An id" } },
    });
    assert.equal(r.defs(), undefined);
  });

  it("decodes JSON pointer escapes", () => {
    const r = new SchemaResolver(doc);
    assert.deepEqual(r.resolve({ $ref: "#/components/schemas/We~1ird~0name" }), {
      type: "integer",
    });
  });

  it("keeps annotations written next to a $ref, and wraps other siblings in allOf", () => {
    const r = new SchemaResolver(doc);
    assert.deepEqual(r.resolve({ $ref: "#/components/schemas/Id", description: "Owner" }), {
      type: "string",
      format: "uuid",
      description: "Owner",
    });
    assert.deepEqual(r.resolve({ $ref: "#/components/schemas/Id", maxLength: 5 }), {
      allOf: [{ type: "string", format: "uuid", description: "An id" }],
      maxLength: 5,
    });
  });

  it("turns a self-recursive schema into $defs", () => {
    const r = new SchemaResolver(doc);
    const out = r.resolve({ $ref: "#/components/schemas/Node" }) as Record<string, unknown>;
    assert.deepEqual(out, {
      type: "object",
      properties: { next: { $ref: "#/$defs/Node" }, value: { type: "number" } },
    });
    assert.deepEqual(r.defs(), {
      Node: {
        type: "object",
        properties: { next: { $ref: "#/$defs/Node" }, value: { type: "number" } },
      },
    });
  });

  it("handles mutual recursion", () => {
    const r = new SchemaResolver(doc);
    r.resolve({ $ref: "#/components/schemas/A" });
    const defs = r.defs()!;
    assert.deepEqual(Object.keys(defs), ["A"]);
    assert.deepEqual(defs.A, {
      type: "object",
      properties: { b: { type: "object", properties: { a: { $ref: "#/$defs/A" } } } },
    });
  });

  it("never fetches a remote $ref and notes it", () => {
    const r = new SchemaResolver(doc);
    const out = r.resolve({
      type: "object",
      properties: { x: { $ref: "https://example.com/schema.json" } },
    });
    assert.deepEqual(out, {
      type: "object",
      properties: { x: { description: "Defined remotely at https://example.com/schema.json" } },
    });
    assert.match(r.notes[0], /remote \$ref "https:\/\/example.com\/schema.json" was not fetched/);
  });

  it("rewrites draft-07 keywords to 2020-12", () => {
    const r = new SchemaResolver(doc);
    assert.deepEqual(
      r.resolve({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "array",
        items: [{ type: "string" }, { type: "number" }],
        additionalItems: false,
        definitions: { Unused: { type: "null" } },
      }),
      { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
    );
    assert.deepEqual(
      r.resolve({ type: "object", dependencies: { a: ["b"], c: { required: ["d"] } } }),
      {
        type: "object",
        dependentRequired: { a: ["b"] },
        dependentSchemas: { c: { required: ["d"] } },
      },
    );
    assert.deepEqual(r.resolve({ type: "number", minimum: 0, exclusiveMinimum: true }), {
      type: "number",
      exclusiveMinimum: 0,
    });
  });

  it("leaves 2020-12 schemas in their dialect", () => {
    const r = new SchemaResolver(doc);
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "array",
      prefixItems: [{ type: "string" }],
      items: { type: "number" },
    };
    assert.deepEqual(r.resolve(schema), {
      type: "array",
      prefixItems: [{ type: "string" }],
      items: { type: "number" },
    });
  });

  it("does not touch $ref-like data inside enum, const, default and examples", () => {
    const r = new SchemaResolver(doc);
    const schema = { enum: [{ $ref: "#/nowhere" }], default: { $ref: "#/nowhere" } };
    assert.deepEqual(r.resolve(schema), schema);
  });

  it("rejects unresolvable refs, bad shapes and runaway schemas with a reason", () => {
    const r = new SchemaResolver(doc);
    assert.throws(() => r.resolve({ $ref: "#/components/schemas/Missing" }), SchemaProblem);
    assert.throws(() => r.resolve({ $ref: "#components" }), /not a JSON pointer/);
    assert.throws(() => r.resolve("string"), /must be an object or boolean/);
    assert.throws(() => r.resolve({ allOf: {} }), /"allOf" must be an array/);
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 100; i++) deep = { type: "array", items: deep };
    assert.throws(() => new SchemaResolver(doc).resolve(deep), /deeper than 64/);
    // A DAG of refs that doubles at each level would explode if inlined naively.
    const schemas: Record<string, unknown> = { L0: { type: "string" } };
    for (let i = 1; i <= 30; i++) {
      const ref = { $ref: `#/components/schemas/L${i - 1}` };
      schemas[`L${i}`] = { type: "object", properties: { x: ref, y: ref } };
    }
    const bomb = new SchemaResolver({ components: { schemas } });
    assert.throws(() => bomb.resolve({ $ref: "#/components/schemas/L30" }), /beyond 20000 nodes/);
  });
});
