/**
 * A small JSON Schema validator for the keywords method params use (type, properties, required,
 * additionalProperties, enum, const, items, limits, pattern, anyOf/oneOf/allOf, local $ref).
 * It reports exactly what Ajv (strict: false, allErrors: false) reports — same keywords, order,
 * instance paths, params and messages — so callers cannot tell them apart. Ajv's code alone is
 * about 13 MB resident; services whose schemas stay within this subset never load it.
 * {@link compileSchemaCheck} answers `undefined` for anything else, and the caller uses Ajv.
 */

/** One validation error, shaped like Ajv's `ErrorObject` (without `schemaPath`). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** A compiled check: `errors` is null when `data` is valid. */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors: SchemaError[] | null;
}

/** Checks `data` at `path`, appending errors; `composite` is Ajv's compositeRule. */
type Node = (data: unknown, path: string, composite: boolean, errors: SchemaError[]) => boolean;

type Schema = Record<string, unknown>;

const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
/** Keywords Ajv's vocabulary knows and this module does not implement: Ajv handles those. */
const AJV_ONLY = new Set([
  "$id",
  "id",
  "$schema",
  "$anchor",
  "$dynamicRef",
  "$dynamicAnchor",
  "$recursiveRef",
  "$recursiveAnchor",
  "$vocabulary",
  "nullable",
  "discriminator",
  "not",
  "if",
  "then",
  "else",
  "multipleOf",
  "uniqueItems",
  "additionalItems",
  "prefixItems",
  "contains",
  "minContains",
  "maxContains",
  "propertyNames",
  "patternProperties",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contentSchema",
]);
/**
 * Ajv's keyword groups, in its evaluation order. `format` does nothing (formats are not
 * validated) but, as in Ajv, it still decides where a type error is reported. Keywords outside
 * Ajv's vocabulary (annotations, `components`…) are ignored, as Ajv does with strict: false.
 */
const GROUPS = {
  number: ["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "format"],
  string: ["maxLength", "minLength", "pattern", "format"],
  array: ["maxItems", "minItems", "items"],
  object: ["maxProperties", "minProperties", "required", "additionalProperties", "properties"],
} as const;
type Group = keyof typeof GROUPS;
const GROUP_NAMES = Object.keys(GROUPS) as Group[];

/** Thrown while compiling when the schema needs Ajv. */
class NeedsAjv extends Error {}

/** Compiles `schema`, or answers `undefined` when it uses anything this module leaves to Ajv. */
export function compileSchemaCheck(schema: unknown): SchemaCheck | undefined {
  const compiler = new Compiler(schema);
  let root: Node;
  try {
    root = compiler.node(schema);
  } catch (err) {
    if (err instanceof NeedsAjv) return undefined;
    throw err;
  }
  const check = ((data: unknown) => {
    const errors: SchemaError[] = [];
    const ok = root(data, "", false, errors);
    check.errors = ok ? null : errors;
    return ok;
  }) as SchemaCheck;
  check.errors = null;
  return check;
}

class Compiler {
  readonly #root: unknown;
  /** Compiled $ref targets, also breaking recursion. */
  readonly #refs = new Map<string, { node?: Node }>();

  constructor(root: unknown) {
    this.#root = root;
  }

  node(schema: unknown): Node {
    if (schema === true) return () => true;
    if (schema === false) {
      return (_data, path, _composite, errors) => {
        errors.push({
          instancePath: path,
          keyword: "false schema",
          params: {},
          message: "boolean schema is false",
        });
        return false;
      };
    }
    if (!isObject(schema)) throw new NeedsAjv();
    for (const key of Object.keys(schema)) {
      if (AJV_ONLY.has(key)) throw new NeedsAjv();
    }
    const types = this.#types(schema.type);
    const anyGroup = this.#anyGroup(schema);
    const groups: { type: Group; check: (data: unknown) => boolean; nodes: Node[] }[] = [];
    for (const g of GROUP_NAMES) {
      const nodes = GROUPS[g].filter((k) => schema[k] !== undefined).map((k) =>
        this.#keyword(g, k, schema)
      );
      if (nodes.length) groups.push({ type: g, check: IS_GROUP_TYPE[g], nodes });
    }
    // One type that has rules of its own is checked where its group runs; otherwise up front.
    const deferred = types.length === 1 && groups.some((g) => g.type === types[0]);
    const typeError = types.length ? typeErrorOf(schema.type as string | string[]) : undefined;
    const matchesType = types.length ? typeMatcher(types) : undefined;
    return (data, path, composite, errors) => {
      const start = errors.length;
      if (!deferred && matchesType && !matchesType(data)) {
        errors.push(typeError!(path));
        if (!composite) return false;
      }
      for (const n of anyGroup) if (!n(data, path, composite, errors)) return false;
      if (errors.length !== start) return false;
      for (const g of groups) {
        if (g.check(data)) {
          for (const n of g.nodes) if (!n(data, path, composite, errors)) return false;
        } else if (deferred && types[0] === g.type) {
          errors.push(typeError!(path));
          return false;
        }
      }
      return errors.length === start;
    };
  }

  #types(type: unknown): string[] {
    if (type === undefined) return [];
    const list = Array.isArray(type) ? type : [type];
    if (!list.length || new Set(list).size !== list.length) throw new NeedsAjv();
    for (const t of list) if (typeof t !== "string" || !JSON_TYPES.has(t)) throw new NeedsAjv();
    return list as string[];
  }

  /** $ref, const, enum, anyOf, oneOf, allOf — in Ajv's order. */
  #anyGroup(schema: Schema): Node[] {
    const out: Node[] = [];
    if (schema.$ref !== undefined) out.push(this.#ref(schema.$ref));
    if (schema.const !== undefined) {
      const value = schema.const;
      out.push(
        fail(
          (d) => !deepEqual(d, value),
          "const",
          { allowedValue: value },
          () => "must be equal to constant",
        ),
      );
    }
    if (schema.enum !== undefined) {
      const values = schema.enum;
      if (!Array.isArray(values) || !values.length) throw new NeedsAjv();
      out.push(fail(
        (d) => !values.some((v) => deepEqual(d, v)),
        "enum",
        { allowedValues: values },
        () => "must be equal to one of the allowed values",
      ));
    }
    if (schema.anyOf !== undefined) out.push(this.#anyOf(this.#list(schema.anyOf)));
    if (schema.oneOf !== undefined) out.push(this.#oneOf(this.#list(schema.oneOf)));
    if (schema.allOf !== undefined) {
      const all = this.#list(schema.allOf);
      out.push((data, path, composite, errors) => {
        for (const n of all) if (!n(data, path, composite, errors)) return false;
        return true;
      });
    }
    return out;
  }

  #list(value: unknown): Node[] {
    if (!Array.isArray(value) || !value.length) throw new NeedsAjv();
    return value.map((s) => this.node(s));
  }

  #anyOf(branches: Node[]): Node {
    return (data, path, _composite, errors) => {
      const start = errors.length;
      for (const b of branches) {
        if (b(data, path, true, errors)) {
          errors.length = start;
          return true;
        }
      }
      errors.push({ instancePath: path, keyword: "anyOf", params: {}, message: ANY_OF });
      return false;
    };
  }

  #oneOf(branches: Node[]): Node {
    return (data, path, _composite, errors) => {
      const start = errors.length;
      let valid = false;
      let passing: number | number[] | null = null;
      for (let i = 0; i < branches.length; i++) {
        const ok = branches[i](data, path, true, errors);
        // As in Ajv: the second passing branch ends the search.
        if (ok && valid) {
          valid = false;
          passing = [passing as number, i];
          break;
        }
        if (ok) {
          valid = true;
          passing = i;
        }
      }
      if (valid) {
        errors.length = start;
        return true;
      }
      errors.push({
        instancePath: path,
        keyword: "oneOf",
        params: { passingSchemas: passing },
        message: "must match exactly one schema in oneOf",
      });
      return false;
    };
  }

  #ref(ref: unknown): Node {
    if (typeof ref !== "string" || !ref.startsWith("#")) throw new NeedsAjv();
    let entry = this.#refs.get(ref);
    if (!entry) {
      entry = {};
      this.#refs.set(ref, entry);
      const target = resolvePointer(this.#root, ref.slice(1));
      const compiled = this.node(target);
      // Ajv inlines a target without $refs; others become functions of their own, which
      // return at their first error even when called from inside anyOf/oneOf.
      entry.node = hasRef(target)
        ? (data, path, _composite, errors) => compiled(data, path, false, errors)
        : compiled;
    }
    const e = entry;
    return (data, path, composite, errors) => e.node!(data, path, composite, errors);
  }

  #keyword(group: Group, key: string, schema: Schema): Node {
    const v = schema[key];
    switch (key) {
      case "maximum":
      case "minimum":
      case "exclusiveMaximum":
      case "exclusiveMinimum": {
        if (typeof v !== "number") throw new NeedsAjv();
        const [bad, comparison] = LIMITS[key];
        return fail((d) => bad(d as number, v) || Number.isNaN(d), key, {
          comparison,
          limit: v,
        }, () => `must be ${comparison} ${v}`);
      }
      case "maxLength":
      case "minLength":
      case "maxItems":
      case "minItems":
      case "maxProperties":
      case "minProperties": {
        if (!Number.isInteger(v) || (v as number) < 0) throw new NeedsAjv();
        const n = v as number;
        const max = key.startsWith("max");
        const size = group === "string"
          ? (d: unknown) => ucs2length(d as string)
          : group === "array"
          ? (d: unknown) => (d as unknown[]).length
          : (d: unknown) => Object.keys(d as object).length;
        const unit = group === "string" ? "characters" : group === "array" ? "items" : "properties";
        return fail(
          (d) => (max ? size(d) > n : size(d) < n),
          key,
          { limit: n },
          () => `must NOT have ${max ? "more" : "fewer"} than ${n} ${unit}`,
        );
      }
      case "pattern": {
        if (typeof v !== "string") throw new NeedsAjv();
        let re: RegExp;
        try {
          re = new RegExp(v, "u");
        } catch {
          throw new NeedsAjv();
        }
        return fail(
          (d) => !re.test(d as string),
          "pattern",
          { pattern: v },
          () => `must match pattern "${v}"`,
        );
      }
      case "items": {
        const item = this.node(v);
        return (data, path, composite, errors) => {
          const arr = data as unknown[];
          for (let i = 0; i < arr.length; i++) {
            if (!item(arr[i], `${path}/${i}`, composite, errors)) return false;
          }
          return true;
        };
      }
      case "required": {
        if (!Array.isArray(v) || v.some((p) => typeof p !== "string")) throw new NeedsAjv();
        const props = v as string[];
        return (data, path, _composite, errors) => {
          const obj = data as Record<string, unknown>;
          for (const p of props) {
            if (obj[p] === undefined) {
              errors.push({
                instancePath: path,
                keyword: "required",
                params: { missingProperty: p },
                message: `must have required property '${p}'`,
              });
              return false;
            }
          }
          return true;
        };
      }
      case "additionalProperties":
        return this.#additional(schema);
      case "format":
        if (typeof v !== "string") throw new NeedsAjv();
        return () => true;
      case "properties": {
        if (!isObject(v)) throw new NeedsAjv();
        if (Object.hasOwn(v, "__proto__")) throw new NeedsAjv();
        const entries = Object.entries(v).map(([p, s]) =>
          [p, this.node(s), pointerPart(p)] as const
        );
        return (data, path, composite, errors) => {
          const obj = data as Record<string, unknown>;
          for (const [p, n, part] of entries) {
            const value = obj[p];
            if (value !== undefined && !n(value, `${path}/${part}`, composite, errors)) {
              return false;
            }
          }
          return true;
        };
      }
    }
    throw new NeedsAjv();
  }

  #additional(schema: Schema): Node {
    const v = schema.additionalProperties;
    const known = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
    if (v === true) return () => true;
    const sub = v === false ? undefined : this.node(v);
    return (data, path, composite, errors) => {
      const obj = data as Record<string, unknown>;
      for (const key in obj) {
        if (known.has(key)) continue;
        if (!sub) {
          errors.push({
            instancePath: path,
            keyword: "additionalProperties",
            params: { additionalProperty: key },
            message: "must NOT have additional properties",
          });
          return false;
        }
        if (!sub(obj[key], `${path}/${pointerPart(key)}`, composite, errors)) return false;
      }
      return true;
    };
  }
}

const ANY_OF = "must match a schema in anyOf";

const LIMITS: Record<string, [(d: number, v: number) => boolean, string]> = {
  maximum: [(d, v) => d > v, "<="],
  minimum: [(d, v) => d < v, ">="],
  exclusiveMaximum: [(d, v) => d >= v, "<"],
  exclusiveMinimum: [(d, v) => d <= v, ">"],
};

const IS_GROUP_TYPE: Record<Group, (d: unknown) => boolean> = {
  number: (d) => typeof d === "number",
  string: (d) => typeof d === "string",
  array: (d) => Array.isArray(d),
  object: (d) => isObject(d),
};

/** A node that reports one error when `bad(data)`. */
function fail(
  bad: (data: unknown) => boolean,
  keyword: string,
  params: Record<string, unknown>,
  message: () => string,
): Node {
  return (data, path, _composite, errors) => {
    if (!bad(data)) return true;
    errors.push({ instancePath: path, keyword, params, message: message() });
    return false;
  };
}

function typeMatcher(types: string[]): (d: unknown) => boolean {
  const checks = types.map((t): (d: unknown) => boolean => {
    switch (t) {
      case "integer":
        return (d) => typeof d === "number" && !(d % 1) && !Number.isNaN(d);
      case "null":
        return (d) => d === null;
      case "array":
        return Array.isArray;
      case "object":
        return isObject;
      case "string":
        return (d) => typeof d === "string";
      case "number":
        return (d) => typeof d === "number";
      default:
        return (d) => typeof d === "boolean";
    }
  });
  return checks.length === 1 ? checks[0] : (d) => checks.some((c) => c(d));
}

function typeErrorOf(type: string | string[]): (path: string) => SchemaError {
  return (path) => ({
    instancePath: path,
    keyword: "type",
    params: { type },
    message: `must be ${type}`,
  });
}

function isObject(d: unknown): d is Record<string, unknown> {
  return typeof d === "object" && d !== null && !Array.isArray(d);
}

function hasRef(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasRef);
  if (!isObject(schema)) return false;
  return Object.entries(schema).some(([k, v]) => k === "$ref" || hasRef(v));
}

function resolvePointer(root: unknown, fragment: string): unknown {
  let node = root;
  if (fragment === "") return node;
  if (!fragment.startsWith("/")) throw new NeedsAjv();
  for (const raw of fragment.slice(1).split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    } catch {
      throw new NeedsAjv();
    }
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, part)) {
      throw new NeedsAjv();
    }
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A property name as one JSON Pointer segment. */
function pointerPart(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Length in code points, as Ajv counts it (a surrogate pair is one character). */
function ucs2length(s: string): number {
  let length = 0;
  for (let pos = 0; pos < s.length;) {
    length++;
    const c = s.charCodeAt(pos++);
    if (c >= 0xd800 && c <= 0xdbff && pos < s.length && (s.charCodeAt(pos) & 0xfc00) === 0xdc00) {
      pos++;
    }
  }
  return length;
}

/** Deep equality of JSON values (what Ajv's fast-deep-equal answers for them). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a !== a && b !== b;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Schema)[k], (b as Schema)[k]));
}
