/**
 * Validates and normalises JSON-RPC params against a method's declared content descriptors:
 * by-position arrays become by-name objects, then one compiled JSON Schema checks them all.
 * Schemas within schema_check.ts's subset are checked by it; Ajv (loaded on first need) checks
 * the others. Both report the same errors.
 */
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import { type AjvInstance, loadAjv } from "./ajv_loader.ts";
import type { JsonSchema, ParamSpec } from "./method.ts";
import { compileSchemaCheck, type SchemaError } from "./schema_check.ts";

/** Turns raw params into a validated by-name object, or throws an InvalidParams error. */
export type ParamsValidator = (raw: unknown) => Record<string, unknown>;

/** One reason a value failed (Ajv's `ErrorObject` has an optional message). */
type ValidationError = Omit<SchemaError, "message"> & { message?: string };

/** A compiled schema: `errors` holds the reasons after a failed call. */
type ValidateFunction = ((data: unknown) => boolean) & { errors?: ValidationError[] | null };

/** Compiles JSON Schemas; can resolve `#/components/...` references. */
export interface SchemaCompiler {
  compile(schema: Record<string, unknown>): ValidateFunction;
}

/** Creates a compiler shared by an API's methods (one Ajv instance, created if ever needed). */
export function createSchemaCompiler(): SchemaCompiler {
  let ajv: AjvInstance | undefined;
  return {
    compile: (schema) =>
      compileSchemaCheck(schema) ??
        (ajv ??= new (loadAjv().Ajv)({ strict: false, allErrors: false, validateFormats: false }))
          .compile(schema) as ValidateFunction,
  };
}

/** Compiles the validator for one method. */
export function compileParamsValidator(
  compiler: SchemaCompiler,
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
  const validate = compiler.compile(schema);
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

function invalid(method: string, reason: string, errors?: ValidationError[] | null): RpcError {
  const data = errors?.map((e) => ({ path: e.instancePath || "/", message: e.message ?? "" }));
  return new RpcError(
    RpcErrorCode.InvalidParams,
    `Invalid params for "${method}": ${reason}`,
    data ? { errors: data } : undefined,
  );
}

function describe(errors: ValidationError[] | null | undefined): string {
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
