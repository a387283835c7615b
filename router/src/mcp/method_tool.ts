/**
 * One OpenRPC method as one MCP tool definition: input schema keyed by parameter name (required
 * flags kept), description from summary and description, annotations from the
 * `x-hero-annotations` extension. Everything that can be wrong in a method throws a
 * {@link SchemaProblem} so the catalog can drop that one tool and say why.
 */
import { SchemaProblem, SchemaResolver } from "./schema_resolver.ts";
import { type MediaSlot, mediaSlots } from "./tool_content.ts";

/** An MCP tool definition (the subset the gateway produces). */
export interface ToolDefinition {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown> & { type: "object" };
  annotations?: Record<string, boolean>;
}

/** How to call the method behind a tool. */
export interface MethodBinding {
  service: string;
  method: string;
  /** Parameter names in declaration order. */
  paramNames: string[];
  /** Sent as an array in `paramNames` order (OpenRPC `paramStructure: "by-position"`). */
  byPosition: boolean;
  /** Where the result holds files (become image, audio or resource content). */
  media: MediaSlot[];
}

/** A tool without its final (unique) name, plus the binding and any notes for the log. */
export interface MethodTool {
  definition: Omit<ToolDefinition, "name">;
  binding: MethodBinding;
  notes: string[];
}

const ANNOTATION_NAMES = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"];

/** Builds the tool for `method` (an OpenRPC method object) of `service`. */
export function methodTool(service: string, method: unknown, document: unknown): MethodTool {
  if (!isObject(method)) throw new SchemaProblem("the method is not an object");
  const name = method.name;
  if (typeof name !== "string" || name === "") throw new SchemaProblem("the method has no name");
  if (!Array.isArray(method.params)) throw new SchemaProblem(`"params" is not an array`);
  const resolver = new SchemaResolver(document);
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const paramNames: string[] = [];
  for (const [i, raw] of method.params.entries()) {
    const param = resolver.deref(raw);
    if (!isObject(param) || typeof param.name !== "string" || param.name === "") {
      throw new SchemaProblem(`param ${i} has no name`);
    }
    if (Object.hasOwn(properties, param.name)) {
      throw new SchemaProblem(`param "${param.name}" is declared twice`);
    }
    if (param.schema === undefined) throw new SchemaProblem(`param "${param.name}" has no schema`);
    let schema: unknown;
    try {
      schema = resolver.resolve(param.schema);
    } catch (err) {
      if (err instanceof SchemaProblem) {
        throw new SchemaProblem(`param "${param.name}": ${err.message}`);
      }
      throw err;
    }
    properties[param.name] = withParamDocs(schema, param);
    paramNames.push(param.name);
    if (param.required === true) required.push(param.name);
  }
  // The declared params are all a method takes (the SDK refuses others, and so does the
  // gateway's argument check); the output dialect is MCP's default, JSON Schema 2020-12.
  const inputSchema: ToolDefinition["inputSchema"] = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties,
    additionalProperties: false,
  };
  if (required.length) inputSchema.required = required;
  const defs = resolver.defs();
  if (defs) inputSchema.$defs = defs;
  const definition: MethodTool["definition"] = {
    description: describe(service, name, method),
    inputSchema,
  };
  if (typeof method.summary === "string" && method.summary) definition.title = method.summary;
  const annotations = readAnnotations(method["x-hero-annotations"]);
  if (annotations) definition.annotations = annotations;
  return {
    definition,
    binding: {
      service,
      method: name,
      paramNames,
      byPosition: method.paramStructure === "by-position",
      media: resultMedia(resolver, method.result),
    },
    notes: resolver.notes,
  };
}

/** The file slots of the method's result schema; a result schema that cannot be read has none. */
function resultMedia(resolver: SchemaResolver, result: unknown): MediaSlot[] {
  try {
    const descriptor = resolver.deref(result);
    if (!isObject(descriptor) || descriptor.schema === undefined) return [];
    return mediaSlots(resolver.resolve(descriptor.schema));
  } catch {
    return [];
  }
}

/** Summary and description, joined; a fallback sentence when the method has neither. */
function describe(service: string, name: string, method: Record<string, unknown>): string {
  const parts = [method.summary, method.description].filter(
    (p): p is string => typeof p === "string" && p.trim() !== "",
  );
  if (parts.length === 0) parts.push(`Calls the method "${name}" of the service "${service}".`);
  if (method.deprecated === true) parts.unshift("Deprecated.");
  return parts.join("\n\n");
}

/** The param's own summary/description become the property description when it has none. */
function withParamDocs(schema: unknown, param: Record<string, unknown>): unknown {
  const text = [param.summary, param.description].filter(
    (p): p is string => typeof p === "string" && p.trim() !== "",
  ).join(" — ");
  if (!text) return schema;
  if (schema === true) return { description: text };
  if (!isObject(schema) || typeof schema.description === "string") return schema;
  return { ...schema, description: text };
}

/** The boolean hints of `x-hero-annotations`; anything else in it is ignored. */
function readAnnotations(value: unknown): Record<string, boolean> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, boolean> = {};
  for (const key of ANNOTATION_NAMES) if (typeof value[key] === "boolean") out[key] = value[key];
  return Object.keys(out).length ? out : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
