/**
 * The keyword nodes of schema_check.ts's typed groups (number, string, array, object): each
 * checks one keyword and reports Ajv's error for it, with Ajv's keyword, params and message.
 */
import { isObject, pointerPart, ucs2length } from "./schema_values.ts";

/** One validation error, shaped like Ajv's `ErrorObject` (without `schemaPath`). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

/** Checks `data` at `path`, appending errors; `composite` is Ajv's compositeRule. */
export type Node = (
  data: unknown,
  path: string,
  composite: boolean,
  errors: SchemaError[],
) => boolean;

/** A schema object. */
export type Schema = Record<string, unknown>;

/** Thrown while compiling when the schema needs Ajv. */
export class NeedsAjv extends Error {}

/**
 * Ajv's keyword groups, in its evaluation order. `format` does nothing (formats are not
 * validated) but, as in Ajv, it still decides where a type error is reported. Keywords outside
 * Ajv's vocabulary (annotations, `components`…) are ignored, as Ajv does with strict: false.
 */
export const GROUPS = {
  number: ["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "format"],
  string: ["maxLength", "minLength", "pattern", "format"],
  array: ["maxItems", "minItems", "items"],
  object: ["maxProperties", "minProperties", "required", "additionalProperties", "properties"],
} as const;

/** A typed keyword group. */
export type Group = keyof typeof GROUPS;

/** The groups in Ajv's order. */
export const GROUP_NAMES = Object.keys(GROUPS) as Group[];

/** Whether data belongs to a group's type. */
export const IS_GROUP_TYPE: Record<Group, (d: unknown) => boolean> = {
  number: (d) => typeof d === "number",
  string: (d) => typeof d === "string",
  array: (d) => Array.isArray(d),
  object: (d) => isObject(d),
};

/** The node of one keyword of a typed group; `compile` compiles subschemas. */
export function typedKeyword(
  group: Group,
  key: string,
  schema: Schema,
  compile: (schema: unknown) => Node,
): Node {
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
      const item = compile(v);
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
      return additionalProperties(schema, compile);
    case "format":
      if (typeof v !== "string") throw new NeedsAjv();
      return () => true;
    case "properties": {
      if (!isObject(v)) throw new NeedsAjv();
      if (Object.hasOwn(v, "__proto__")) throw new NeedsAjv();
      const entries = Object.entries(v).map(([p, s]) => [p, compile(s), pointerPart(p)] as const);
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

function additionalProperties(schema: Schema, compile: (schema: unknown) => Node): Node {
  const v = schema.additionalProperties;
  const known = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
  if (v === true) return () => true;
  const sub = v === false ? undefined : compile(v);
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

const LIMITS: Record<string, [(d: number, v: number) => boolean, string]> = {
  maximum: [(d, v) => d > v, "<="],
  minimum: [(d, v) => d < v, ">="],
  exclusiveMaximum: [(d, v) => d >= v, "<"],
  exclusiveMinimum: [(d, v) => d <= v, ">"],
};

/** A node that reports one error when `bad(data)`. */
export function fail(
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

/** Whether data has one of `types` (JSON types, Ajv's integer check). */
export function typeMatcher(types: string[]): (d: unknown) => boolean {
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

/** Ajv's type error for `type`. */
export function typeErrorOf(type: string | string[]): (path: string) => SchemaError {
  return (path) => ({
    instancePath: path,
    keyword: "type",
    params: { type },
    message: `must be ${type}`,
  });
}
