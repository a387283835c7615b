/**
 * A small JSON Schema validator for the keywords method params use (type, properties, required,
 * additionalProperties, enum, const, items, limits, pattern, anyOf/oneOf/allOf, local $ref).
 * It reports exactly what Ajv (strict: false, allErrors: false) reports — same keywords, order,
 * instance paths, params and messages — so callers cannot tell them apart. Ajv's code alone is
 * about 13 MB resident; services whose schemas stay within this subset never load it.
 * {@link compileSchemaCheck} answers `undefined` for anything else, and the caller uses Ajv.
 */
import {
  fail,
  type Group,
  GROUP_NAMES,
  GROUPS,
  IS_GROUP_TYPE,
  NeedsAjv,
  type Node,
  type Schema,
  type SchemaError,
  typedKeyword,
  typeErrorOf,
  typeMatcher,
} from "./schema_keywords.ts";
import { deepEqual, hasRef, isObject, resolvePointer } from "./schema_values.ts";

export type { SchemaError } from "./schema_keywords.ts";

/** A compiled check: `errors` is null when `data` is valid. */
export interface SchemaCheck {
  (data: unknown): boolean;
  errors: SchemaError[] | null;
}

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
        typedKeyword(g, k, schema, (s) => this.node(s))
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
      const resolved = resolvePointer(this.#root, ref.slice(1));
      if (!resolved.found) throw new NeedsAjv();
      const target = resolved.value;
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
}

const ANY_OF = "must match a schema in anyOf";
