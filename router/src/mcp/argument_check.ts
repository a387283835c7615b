/**
 * Checks tool arguments against the tool's input schema before anything is sent to the
 * service, with the MCP SDK's JSON Schema 2020-12 validator (Ajv). A validator is compiled once
 * per schema object, on the first call of its tool; a schema the validator cannot compile is
 * not checked here (the service still validates its params).
 */
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";

type Check = (input: unknown) => { valid: boolean; errorMessage?: string };

const provider = new AjvJsonSchemaValidator();
const compiled = new WeakMap<object, Check | null>();

/** Undefined when `args` fit `schema`; otherwise a sentence saying what is wrong. */
export function argumentProblem(schema: object, args: unknown): string | undefined {
  let check = compiled.get(schema);
  if (check === undefined) {
    try {
      check = provider.getValidator(schema as never) as Check;
    } catch {
      check = null;
    }
    compiled.set(schema, check);
  }
  if (!check) return undefined;
  const outcome = check(args);
  if (outcome.valid) return undefined;
  // Ajv names the whole input "data" and properties "data/<name>".
  return (outcome.errorMessage ?? "data do not fit the schema")
    .replace(/(^|, )data\//g, "$1argument ")
    .replace(/(^|, )data /g, "$1the arguments ");
}
