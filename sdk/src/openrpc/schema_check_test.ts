/**
 * The in-house schema check against Ajv itself: for each schema, thousands of generated values
 * (valid ones and mutations of them) must get the same verdict and the very same errors —
 * keyword, instance path, params and message, in the same order.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ajv } from "ajv";
import { compileSchemaCheck } from "./schema_check.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPONENTS = {
  schemas: {
    Name: { type: "string", minLength: 1, maxLength: 8, pattern: "^[a-z][a-z0-9_]*$" },
    Level: { type: "string", enum: ["debug", "info", "warn"] },
    Tree: {
      type: "object",
      properties: {
        name: { $ref: "#/components/schemas/Name" },
        kids: { type: "array", items: { $ref: "#/components/schemas/Tree" } },
      },
      required: ["name"],
      additionalProperties: false,
    },
  },
};

const SCHEMAS: Record<string, unknown>[] = [
  { type: "string" },
  { type: ["string", "null"] },
  { type: "integer", minimum: 1, maximum: 10 },
  { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1.5 },
  { type: "string", enum: ["a", "b"] },
  { type: "string", format: "date-time", enum: ["x"] },
  { type: "integer", enum: [1, 2] },
  { enum: [1, "1", null, { a: 1 }, [1, 2]] },
  { const: { a: [1, { b: null }] } },
  { type: "string", minLength: 2, maxLength: 3 },
  { type: "string", pattern: "^\\p{L}+$" },
  { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1, maxItems: 3 },
  { type: "object", minProperties: 1, maxProperties: 2 },
  {
    type: "object",
    properties: { a: { type: "string" }, "b/c~d": { type: "number" }, e: { type: "boolean" } },
    required: ["a", "e"],
    additionalProperties: false,
  },
  { type: "object", additionalProperties: { type: "integer" } },
  { type: "object", properties: { a: true, b: false, c: { items: false } } },
  { anyOf: [{ type: "string", minLength: 3 }, { type: "integer", enum: [5, 6] }] },
  {
    oneOf: [
      { type: "object", properties: { kind: { const: "a" } }, required: ["kind"] },
      {
        type: "object",
        properties: { kind: { const: "b" }, n: { type: "integer" } },
        required: ["kind", "n"],
      },
      { type: "object", required: ["x"] },
    ],
  },
  { oneOf: [{ type: "integer" }, { type: "number" }, { minimum: 3 }] },
  { allOf: [{ type: "integer" }, { minimum: 2 }, { maximum: 4 }] },
  { type: "string", oneOf: [{ enum: ["a"] }, { minLength: 2 }] },
  { type: ["integer", "string"], minimum: 3, minLength: 2 },
  { $ref: "#/components/schemas/Tree" },
  { type: "object", $ref: "#/components/schemas/Tree", description: "with a sibling" },
  {
    anyOf: [
      { $ref: "#/components/schemas/Tree" },
      { type: "array", items: { $ref: "#/components/schemas/Level" } },
    ],
  },
  {
    type: "object",
    properties: {
      service: {
        type: "object",
        properties: {
          name: { $ref: "#/components/schemas/Name" },
          exec: {
            oneOf: [{ type: "string", minLength: 1 }, {
              type: "array",
              items: { type: "string" },
              minItems: 1,
            }],
          },
          restart: {
            type: "object",
            properties: {
              policy: { enum: ["always", "on-failure", "never"] },
              delay_ms: { type: "integer", minimum: 0 },
            },
            additionalProperties: false,
          },
          level: { $ref: "#/components/schemas/Level" },
        },
        required: ["name"],
        additionalProperties: false,
      },
    },
    required: ["service"],
    additionalProperties: false,
  },
];

/** A value that fits `schema` (when it can), built at random. */
function sample(schema: unknown, r: () => number, depth = 0): Json {
  const s = schema as Record<string, unknown>;
  if (s.$ref) return sample(resolve(s.$ref as string), r, depth + 1);
  if (s.const !== undefined) return s.const as Json;
  if (s.enum) return (s.enum as Json[])[Math.floor(r() * (s.enum as Json[]).length)];
  for (const k of ["oneOf", "anyOf"]) {
    if (s[k]) {
      return sample((s[k] as unknown[])[Math.floor(r() * (s[k] as unknown[]).length)], r, depth);
    }
  }
  const type = Array.isArray(s.type) ? s.type[Math.floor(r() * s.type.length)] : s.type;
  switch (type) {
    case "string":
      return ["abc", "a", "ab", "zz_9", "héllo", "😀😀", ""][Math.floor(r() * 7)];
    case "integer":
      return Math.floor(r() * 12) - 1;
    case "number":
      return Math.round(r() * 40) / 20 - 0.5;
    case "boolean":
      return r() < 0.5;
    case "null":
      return null;
    case "array":
      return depth > 3
        ? []
        : Array.from({ length: Math.floor(r() * 4) }, () => sample(s.items ?? {}, r, depth + 1));
    case "object": {
      const out: Record<string, Json> = {};
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
        if (depth < 4 && r() < 0.8) out[k] = sample(v, r, depth + 1);
      }
      return out;
    }
  }
  return randomJson(r, depth);
}

function randomJson(r: () => number, depth = 0): Json {
  const pick = Math.floor(r() * (depth > 2 ? 6 : 8));
  const makers: (() => Json)[] = [
    () => null,
    () => true,
    () => Math.floor(r() * 10) - 2,
    () => 1.5,
    () => ["", "a", "kind", "b/c~d", "x"][Math.floor(r() * 5)],
    () => "😀",
    () => [randomJson(r, depth + 1)],
    () => ({ [["a", "kind", "n", "x", "name"][Math.floor(r() * 5)]]: randomJson(r, depth + 1) }),
  ];
  return makers[pick]();
}

/** `value` with one random change somewhere inside. */
function mutate(value: Json, r: () => number): Json {
  if (Array.isArray(value) && value.length && r() < 0.6) {
    const copy = [...value];
    const i = Math.floor(r() * copy.length);
    copy[i] = mutate(copy[i], r);
    return copy;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const copy = { ...value };
    const keys = Object.keys(copy);
    const choice = r();
    if (keys.length && choice < 0.4) {
      const k = keys[Math.floor(r() * keys.length)];
      copy[k] = mutate(copy[k], r);
    } else if (keys.length && choice < 0.6) delete copy[keys[Math.floor(r() * keys.length)]];
    else copy[["extra", "a", "kind", "n", "x"][Math.floor(r() * 5)]] = randomJson(r);
    return copy;
  }
  return randomJson(r);
}

function resolve(ref: string): unknown {
  return ref.slice(2).split("/").reduce((n: unknown, p) => (n as Record<string, unknown>)[p], {
    components: COMPONENTS,
  });
}

function ajvErrors(validate: ReturnType<Ajv["compile"]>, data: unknown) {
  return validate(data)
    ? null
    : validate.errors!.map(({ instancePath, keyword, params, message }) => ({
      instancePath,
      keyword,
      params,
      message,
    }));
}

describe("compileSchemaCheck", () => {
  it("reports what Ajv reports, error for error, on generated valid and invalid values", () => {
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    let compared = 0, invalid = 0;
    for (const [i, schema] of SCHEMAS.entries()) {
      const root = { ...schema, components: COMPONENTS };
      const check = compileSchemaCheck(root);
      assert.ok(check, `schema ${i} is within the supported subset`);
      const validate = ajv.compile(root);
      const r = rng(1000 + i);
      for (let n = 0; n < 1500; n++) {
        let data = sample(root, r);
        for (let m = Math.floor(r() * 3); m > 0; m--) data = mutate(data, r);
        const expected = ajvErrors(validate, data);
        const ok: boolean = check(data);
        assert.deepEqual(
          { ok, errors: check.errors },
          { ok: expected === null, errors: expected },
          `schema ${i} ${JSON.stringify(schema)}\ndata ${JSON.stringify(data)}`,
        );
        compared++;
        if (expected) invalid++;
      }
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    assert.ok(
      invalid > compared * 0.3 && invalid < compared * 0.9,
      `${invalid} of ${compared} invalid`,
    );
  });

  it("leaves to Ajv what it does not implement", () => {
    for (
      const schema of [
        { not: { type: "string" } },
        { type: "number", multipleOf: 2 },
        { type: "array", uniqueItems: true },
        { type: "array", items: [{ type: "string" }] },
        { type: "object", patternProperties: { "^a": {} } },
        { $ref: "https://example.com/schema.json" },
        { $ref: "#/nowhere" },
        { type: "strin" },
        { enum: [] },
        { type: "string", pattern: "(" },
        { if: { type: "string" }, then: { minLength: 1 } },
        { type: "string", nullable: true },
      ]
    ) {
      assert.equal(compileSchemaCheck(schema), undefined, JSON.stringify(schema));
    }
  });
});
