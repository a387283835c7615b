/**
 * `tools/call` for a catalog entry: MCP arguments (always an object) become JSON-RPC params
 * (by name, or an array for by-position methods), and the outcome becomes a `CallToolResult`:
 * the result as structured content plus its JSON text, a JSON-RPC error as an `isError` result
 * carrying code, message and data.
 */
import type { MethodBinding } from "./method_tool.ts";
import type { CallError, SourceCallOptions, ToolSource } from "./tool_source.ts";

/** The MCP `CallToolResult` shape the gateway produces. */
export interface ToolCallResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** Calls the method behind a tool with the given MCP arguments. */
export async function callTool(
  source: ToolSource,
  binding: MethodBinding,
  args: Record<string, unknown> | undefined,
  opts: SourceCallOptions = {},
): Promise<ToolCallResult> {
  const params = toParams(binding, args ?? {});
  if ("error" in params) return errorResult(params.error);
  const outcome = await source.call(binding.service, binding.method, params.value, opts);
  return outcome.ok ? successResult(outcome.result) : errorResult(outcome.error);
}

/** By-name methods get the arguments as they are; by-position ones an array in param order. */
export function toParams(
  binding: MethodBinding,
  args: Record<string, unknown>,
): { value: Record<string, unknown> | unknown[] } | { error: CallError } {
  if (!binding.byPosition) return { value: args };
  const unknown = Object.keys(args).filter((k) => !binding.paramNames.includes(k));
  if (unknown.length) {
    return invalid(`Unknown argument${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  }
  const given = binding.paramNames.map((n) => Object.hasOwn(args, n));
  const count = given.lastIndexOf(true) + 1;
  const gap = given.slice(0, count).indexOf(false);
  if (gap !== -1) {
    return invalid(
      `Argument "${binding.paramNames[gap]}" is required because a later positional ` +
        `argument is given ("${binding.method}" takes its params by position)`,
    );
  }
  return { value: binding.paramNames.slice(0, count).map((n) => args[n]) };
}

/** A result as JSON text plus structured content (non-objects wrapped as `{ result }`). */
export function successResult(result: unknown): ToolCallResult {
  const structured = isPlainObject(result) ? result : { result };
  return {
    content: [{ type: "text", text: JSON.stringify(result ?? null) }],
    structuredContent: structured,
  };
}

/** A JSON-RPC error as an MCP tool error: readable text and the error object as structure. */
export function errorResult(error: CallError): ToolCallResult {
  const wire: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.data !== undefined) wire.data = error.data;
  const data = error.data === undefined ? "" : ` ${JSON.stringify(error.data)}`;
  return {
    content: [{ type: "text", text: `Error ${error.code}: ${error.message}${data}` }],
    structuredContent: { error: wire },
    isError: true,
  };
}

function invalid(message: string): { error: CallError } {
  return { error: { code: -32602, message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
