/**
 * Turns OpenRPC parameter schemas (JSON Schema draft-07, `$ref`s into the whole document) into
 * self-contained JSON Schema 2020-12, the dialect MCP assumes for `inputSchema`:
 * local `$ref`s are inlined, recursive ones become `$defs` entries, remote ones are never fetched
 * (they turn into an unconstrained schema and a note), and draft-07 keywords are rewritten.
 * Bounded in depth and size so one hostile document cannot stall the gateway.
 */

/** Why a schema cannot be turned into a tool input schema. */
export class SchemaProblem extends Error {
  /** Creates a problem with a sentence naming what is wrong. */
  constructor(message: string) {
    super(message);
    this.name = "SchemaProblem";
  }
}

/** Limits on resolution work. */
export interface ResolveLimits {
  /** Deepest schema nesting accepted (default 64). */
  maxDepth: number;
  /** Most schema nodes produced for one method (default 20,000). */
  maxNodes: number;
}

const DEFAULT_LIMITS: ResolveLimits = { maxDepth: 64, maxNodes: 20_000 };

/** Keywords whose value is one schema. */
const SCHEMA_KEYS = new Set([
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYS = new Set(["properties", "patternProperties", "dependentSchemas"]);
/** Keywords dropped from the output: their content is inlined or meaningless once moved. */
const DROPPED_KEYS = new Set(["$schema", "$id", "id", "definitions", "$defs"]);
/** Keywords that only annotate, safe to merge next to an inlined `$ref` target. */
const ANNOTATION_KEYS = new Set(["title", "description", "default", "examples", "deprecated"]);

type Json = Record<string, unknown>;

/** Resolves the schemas of one method against its document; shares `$defs` between params. */
export class SchemaResolver {
  readonly #root: unknown;
  readonly #limits: ResolveLimits;
  #stack = new Set<string>();
  readonly #defNames = new Map<string, string>();
  readonly #defs: Json = {};
  #nodes = 0;
  /** Things worth logging that did not prevent resolution (remote `$ref`s). */
  readonly notes: string[] = [];

  /** `root` is the whole OpenRPC document that `#/...` pointers refer to. */
  constructor(root: unknown, limits: Partial<ResolveLimits> = {}) {
    this.#root = root;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Resolves a top-level object that may itself be a `$ref` (e.g. a content descriptor). */
  deref(value: unknown): unknown {
    const seen = new Set<string>();
    while (isObject(value) && typeof value.$ref === "string" && value.$ref.startsWith("#")) {
      if (seen.has(value.$ref)) throw new SchemaProblem(`$ref cycle at "${value.$ref}"`);
      seen.add(value.$ref);
      value = this.#lookup(value.$ref);
    }
    return value;
  }

  /** Resolves one schema to self-contained 2020-12. Throws {@link SchemaProblem}. */
  resolve(schema: unknown): unknown {
    return this.#walk(schema, 0, false);
  }

  /** The `$defs` needed by recursive references, or undefined when there are none. */
  defs(): Json | undefined {
    return this.#defNames.size ? this.#defs : undefined;
  }

  #walk(node: unknown, depth: number, draft2020: boolean): unknown {
    if (depth > this.#limits.maxDepth) {
      throw new SchemaProblem(`schema nests deeper than ${this.#limits.maxDepth} levels`);
    }
    if (++this.#nodes > this.#limits.maxNodes) {
      throw new SchemaProblem(`schema grows beyond ${this.#limits.maxNodes} nodes once resolved`);
    }
    if (typeof node === "boolean") return node;
    if (!isObject(node)) throw new SchemaProblem(`a schema must be an object or boolean`);
    if (typeof node.$schema === "string") draft2020 = /2019-09|2020-12/.test(node.$schema);
    if (typeof node.$ref === "string") return this.#walkRef(node, depth, draft2020);
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (DROPPED_KEYS.has(key)) continue;
      if (SCHEMA_KEYS.has(key)) out[key] = this.#walk(value, depth + 1, draft2020);
      else if (SCHEMA_LIST_KEYS.has(key)) out[key] = this.#walkList(key, value, depth, draft2020);
      else if (SCHEMA_MAP_KEYS.has(key)) out[key] = this.#walkMap(key, value, depth, draft2020);
      else if (key === "items") this.#items(out, node, depth, draft2020);
      else if (key === "additionalItems") {
        if (draft2020 || !Array.isArray(node.items)) continue; // ignored without tuple items
      } else if (key === "dependencies") this.#dependencies(out, value, depth, draft2020);
      else out[key] = value;
    }
    if (!draft2020) exclusiveBounds(out);
    return out;
  }

  #walkRef(node: Json, depth: number, draft2020: boolean): unknown {
    const ref = node.$ref as string;
    const siblings: Json = {};
    for (const [key, value] of Object.entries(node)) if (key !== "$ref") siblings[key] = value;
    const rest = Object.keys(siblings).length
      ? this.#walk(siblings, depth + 1, draft2020) as Json
      : {};
    if (!ref.startsWith("#")) {
      this.notes.push(`remote $ref "${ref}" was not fetched; any value is accepted there`);
      return { ...rest, description: rest.description ?? `Defined remotely at ${ref}` };
    }
    const pointer = ref === "#" ? "#" : ref;
    if (this.#stack.has(pointer) || this.#defNames.has(pointer)) {
      return merge({ $ref: `#/$defs/${this.#defName(pointer)}` }, rest);
    }
    const target = this.#lookup(ref);
    this.#stack.add(pointer);
    let resolved: unknown;
    try {
      resolved = this.#walk(target, depth + 1, draft2020);
    } finally {
      this.#stack.delete(pointer);
    }
    return merge(resolved, rest);
  }

  #walkList(key: string, value: unknown, depth: number, draft2020: boolean): unknown[] {
    if (!Array.isArray(value)) throw new SchemaProblem(`"${key}" must be an array of schemas`);
    return value.map((v) => this.#walk(v, depth + 1, draft2020));
  }

  #walkMap(key: string, value: unknown, depth: number, draft2020: boolean): Json {
    if (!isObject(value)) throw new SchemaProblem(`"${key}" must be an object of schemas`);
    const out: Json = {};
    for (const [name, schema] of Object.entries(value)) {
      out[name] = this.#walk(schema, depth + 1, draft2020);
    }
    return out;
  }

  /** draft-07 tuple `items: [..]` + `additionalItems` become `prefixItems` + `items`. */
  #items(out: Json, node: Json, depth: number, draft2020: boolean): void {
    if (!Array.isArray(node.items)) {
      out.items = this.#walk(node.items, depth + 1, draft2020);
      return;
    }
    out.prefixItems = this.#walkList("items", node.items, depth, draft2020);
    if (node.additionalItems !== undefined) {
      out.items = this.#walk(node.additionalItems, depth + 1, draft2020);
    }
  }

  /** draft-07 `dependencies` splits into `dependentRequired` and `dependentSchemas`. */
  #dependencies(out: Json, value: unknown, depth: number, draft2020: boolean): void {
    if (!isObject(value)) throw new SchemaProblem(`"dependencies" must be an object`);
    for (const [name, dep] of Object.entries(value)) {
      const key = Array.isArray(dep) ? "dependentRequired" : "dependentSchemas";
      const target = (out[key] ??= {}) as Json;
      target[name] = Array.isArray(dep) ? dep : this.#walk(dep, depth + 1, draft2020);
    }
  }

  #defName(pointer: string): string {
    let name = this.#defNames.get(pointer);
    if (name) return name;
    const base = (pointer.split("/").pop() || "root").replace(/[^A-Za-z0-9_.-]/g, "_");
    name = base;
    const used = new Set(this.#defNames.values());
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    this.#defNames.set(pointer, name);
    // Reserve the slot first so references met while resolving it point back here.
    this.#defs[name] = {};
    // A definition is resolved on its own: refs to outer schemas are inlined, not made defs.
    const outer = this.#stack;
    this.#stack = new Set([pointer]);
    try {
      this.#defs[name] = this.#walk(this.#lookup(pointer), 1, false);
    } finally {
      this.#stack = outer;
    }
    return name;
  }

  #lookup(ref: string): unknown {
    const path = ref.slice(1);
    if (path !== "" && !path.startsWith("/")) {
      throw new SchemaProblem(`$ref "${ref}" is not a JSON pointer`);
    }
    let node: unknown = this.#root;
    for (const raw of path === "" ? [] : path.slice(1).split("/")) {
      const segment = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
      if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
      else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
      else throw new SchemaProblem(`$ref "${ref}" points to nothing in the document`);
    }
    return node;
  }
}

/** A resolved `$ref` target combined with the keywords written next to the `$ref`. */
function merge(target: unknown, siblings: Json): unknown {
  const keys = Object.keys(siblings);
  if (keys.length === 0) return target;
  if (isObject(target) && keys.every((k) => ANNOTATION_KEYS.has(k))) {
    return { ...target, ...siblings };
  }
  return { allOf: [target], ...siblings };
}

/** draft-04 style boolean `exclusiveMinimum/Maximum` become the numeric form. */
function exclusiveBounds(out: Json): void {
  for (const [bound, limit] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]]) {
    if (typeof out[bound] !== "boolean") continue;
    if (out[bound] === true && typeof out[limit] === "number") {
      out[bound] = out[limit];
      delete out[limit];
    } else delete out[bound];
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
