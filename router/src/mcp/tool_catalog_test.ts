/**
 * The catalog: tool definitions from OpenRPC methods, stable order, broken methods dropped
 * alone with a logged reason, and reuse of unchanged documents.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ToolCatalog } from "./tool_catalog.ts";
import type { ServiceDoc } from "./tool_source.ts";
import { exampleApi } from "./test_fixtures.ts";

function svc(name: string, methods: unknown[], extra: Record<string, unknown> = {}): ServiceDoc {
  return {
    name,
    document: { openrpc: "1.3.2", info: { title: name, version: "1" }, methods, ...extra },
    rpcSocketPath: `/tmp/${name}/rpc.sock`,
  };
}

describe("tool catalog", () => {
  it("maps an SDK-built document: schemas, required, descriptions, annotations", () => {
    const catalog = new ToolCatalog(() => {});
    const api = exampleApi();
    catalog.update([{ name: "example", document: api.document, rpcSocketPath: "/x" }]);
    const [greet, add] = catalog.view().tools;
    assert.deepEqual(greet, {
      name: "example_greet",
      title: "Greets someone",
      description: "Greets someone\n\nReturns a greeting for the given name.",
      inputSchema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { name: { type: "string", minLength: 1 }, excited: { type: "boolean" } },
        additionalProperties: false,
        required: ["name"],
      },
      annotations: { readOnlyHint: true, idempotentHint: true },
    });
    assert.equal(catalog.view().get("example_add")?.binding.byPosition, true);
    assert.deepEqual(catalog.view().get("example_add")?.binding.paramNames, ["a", "b"]);
    assert.deepEqual(add.inputSchema.required, ["a", "b"]);
  });

  it("orders services by name and methods as documented", () => {
    const catalog = new ToolCatalog(() => {});
    const m = (name: string) => ({ name, params: [], result: { name: "r", schema: {} } });
    catalog.update([svc("zeta", [m("b"), m("a")]), svc("alpha", [m("y"), m("x")])]);
    assert.deepEqual(catalog.view().tools.map((t) => t.name), [
      "alpha_y",
      "alpha_x",
      "zeta_b",
      "zeta_a",
    ]);
    assert.deepEqual(catalog.view("zeta").tools.map((t) => t.name), ["zeta_b", "zeta_a"]);
    assert.equal(catalog.view("zeta").get("alpha_x"), undefined);
  });

  it("drops only the broken method, with a logged reason", () => {
    const logs: string[] = [];
    const catalog = new ToolCatalog((m) => logs.push(m));
    catalog.update([svc("svc", [
      { name: "good", params: [{ name: "a", schema: { type: "string" } }], result: {} },
      { name: "missing_ref", params: [{ name: "a", schema: { $ref: "#/nope" } }] },
      { name: "nameless", params: [{ schema: {} }] },
      { name: "dup", params: [{ name: "a", schema: {} }, { name: "a", schema: {} }] },
      { name: "no_params" },
      "not a method",
      { name: "ref_param", params: [{ $ref: "#/components/contentDescriptors/A" }] },
    ], { components: { contentDescriptors: { A: { name: "a", schema: { type: "number" } } } } })]);
    assert.deepEqual(catalog.view().tools.map((t) => t.name), ["svc_good", "svc_ref_param"]);
    assert.deepEqual(catalog.view().tools[1].inputSchema.properties, { a: { type: "number" } });
    assert.equal(logs.length, 5);
    assert.match(logs[0], /dropped the tool for svc method "missing_ref": param "a": \$ref/);
    assert.match(logs[1], /"nameless": param 0 has no name/);
    assert.match(logs[2], /"dup": param "a" is declared twice/);
    assert.match(logs[3], /"no_params": "params" is not an array/);
    assert.match(logs[4], /method #5: the method is not an object/);
  });

  it("gives a service without a usable document no tools, and keeps the others", () => {
    const logs: string[] = [];
    const catalog = new ToolCatalog((m) => logs.push(m));
    catalog.update([
      { name: "broken", document: "<html>", rpcSocketPath: "/x" },
      svc("ok", [{ name: "m", params: [] }]),
    ]);
    assert.deepEqual(catalog.view().tools.map((t) => t.name), ["ok_m"]);
    assert.ok(catalog.hasService("broken"));
    assert.match(logs[0], /"broken" has no usable OpenRPC document/);
  });

  it("reports which services changed and reuses unchanged documents", () => {
    const catalog = new ToolCatalog(() => {});
    const a = svc("a", [{ name: "m", params: [] }]);
    const b = svc("b", [{ name: "m", params: [] }]);
    assert.deepEqual(catalog.update([a, b]), ["a", "b"]);
    const before = catalog.view().get("a_m");
    // A re-fetched but identical document is not a change.
    assert.deepEqual(catalog.update([svc("a", [{ name: "m", params: [] }]), b]), []);
    assert.equal(catalog.view().get("a_m")?.binding, before?.binding);
    assert.deepEqual(catalog.update([svc("a", [{ name: "n", params: [] }]), b]), ["a"]);
    assert.deepEqual(catalog.update([b]), ["a"]);
  });

  it("publishes deprecation and a fallback description", () => {
    const catalog = new ToolCatalog(() => {});
    catalog.update([svc("s", [{ name: "old", params: [], deprecated: true }])]);
    assert.equal(
      catalog.view().tools[0].description,
      'Deprecated.\n\nCalls the method "old" of the service "s".',
    );
  });
});
