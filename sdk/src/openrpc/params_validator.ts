/**
 * Validates and normalises JSON-RPC params against a method's declared content descriptors:
 * by-position arrays become by-name objects, then one compiled JSON Schema checks them all.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import type { JsonSchema, ParamSpec } from "./method.ts";

/** Turns raw params into a validated by-name object, or throws an InvalidParams error. */
export type ParamsValidator = (raw: unknown) => Record<string, unknown>;

/** Creates a shared Ajv instance that can resolve `#/components/...` references. */
export function createSchemaCompiler(): Ajv {
  return new Ajv({ strict: false, allErrors: false, validateFormats: false });
}

/** Compiles the validator for one method. */
export function compileParamsValidator(
  ajv: Ajv,
  method: string,
  params: ParamSpec[],
  opts: { structure: "by-name" | "by-position" | "either"; components?: Record<string, unknown> },
): ParamsValidator {
  const properties: Record<string, JsonSchema> = {};
  for (const p of params) properties[p.name] = p.schema;
  const schema = {
    type: "object",
    properties,
    required: params.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
    components: opts.components ?? {},
  };
  const validate: ValidateFunction = ajv.compile(schema);
  const names = params.map((p) => p.name);

  return (raw: unknown) => {
    let byName: Record<string, unknown>;
    if (raw === undefined) byName = {};
    else if (Array.isArray(raw)) {
      if (opts.structure === "by-name") {
        throw invalid(method, "params must be passed by name (an object)");
      }
      if (raw.length > names.length) {
        throw invalid(method, `expected at most ${names.length} params, got ${raw.length}`);
      }
      byName = {};
      raw.forEach((v, i) => (byName[names[i]] = v));
    } else if (raw !== null && typeof raw === "object") {
      if (opts.structure === "by-position") {
        throw invalid(method, "params must be passed by position (an array)");
      }
      byName = raw as Record<string, unknown>;
    } else {
      throw invalid(method, "params must be an array or an object");
    }
    if (!validate(byName)) throw invalid(method, describe(validate.errors), validate.errors);
    return byName;
  };
}

function invalid(method: string, reason: string, errors?: ErrorObject[] | null): RpcError {
  const data = errors?.map((e) => ({ path: e.instancePath || "/", message: e.message ?? "" }));
  return new RpcError(
    RpcErrorCode.InvalidParams,
    `Invalid params for "${method}": ${reason}`,
    data ? { errors: data } : undefined,
  );
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "params do not match the schema";
  if (e.keyword === "additionalProperties") {
    return `unknown param "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  }
  const path = e.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (e.keyword === "required") {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return path ? `"${path}" is missing "${missing}"` : `missing required param "${missing}"`;
  }
  return `${path ? `"${path}" ` : ""}${e.message ?? "is invalid"}`;
}
