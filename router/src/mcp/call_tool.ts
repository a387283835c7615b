/**
 * `tools/call` for a catalog entry: the arguments are checked against the tool's input schema
 * (a clear `isError` result, and nothing sent, when they do not fit), turned into JSON-RPC params
 * (by name, or an array for by-position methods), and the outcome becomes a `CallToolResult`:
 * files in the result as image, audio or resource content (`tool_content.ts`), the rest as
 * structured content plus its JSON text, a JSON-RPC error as an `isError` result carrying code,
 * message and data. The service's progress and messages reach the caller while it runs.
 */
import type { Caller } from "@hero/sdk";
import { argumentProblem } from "./argument_check.ts";
import type { MethodBinding, ToolDefinition } from "./method_tool.ts";
import { type ContentBlock, splitContent } from "./tool_content.ts";
import type { CallError, CallNotificationListener, ToolSource } from "./tool_source.ts";

/** The MCP `CallToolResult` shape the gateway produces. */
export interface ToolCallResult {
  [key: string]: unknown;
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** A tool as the call needs it: its definition (for the schema) and the method behind it. */
export interface CallableTool {
  tool: Pick<ToolDefinition, "name" | "inputSchema">;
  binding: MethodBinding;
}

/** What a call may report while it runs. */
export interface CallToolOptions {
  /** Cancels the call; the service's handler sees its `ctx.signal` abort. */
  signal?: AbortSignal;
  /** Receives the service's `rpc.progress` / `rpc.log` notifications; asks for a stream. */
  onNotification?: CallNotificationListener;
  /** On whose behalf the tool is called. */
  caller?: Caller;
}

/** Calls the method behind a tool with the given MCP arguments. */
export async function callTool(
  source: ToolSource,
  entry: CallableTool,
  args: Record<string, unknown> | undefined,
  opts: CallToolOptions = {},
): Promise<ToolCallResult> {
  const { binding } = entry;
  const given = args ?? {};
  const problem = argumentProblem(entry.tool.inputSchema, given);
  if (problem) {
    return errorResult({
      code: -32602,
      message: `Invalid arguments for tool "${entry.tool.name}": ${problem}`,
    });
  }
  const params = toParams(binding, given);
  if ("error" in params) return errorResult(params.error);
  const outcome = await source.call(binding.service, binding.method, params.value, opts);
  return outcome.ok ? successResult(outcome.result, binding) : errorResult(outcome.error);
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

/**
 * A result as content: files at the binding's media slots as their own blocks, the rest as
 * JSON text plus structured content (non-objects wrapped as `{ result }`).
 */
export function successResult(
  result: unknown,
  binding?: Pick<MethodBinding, "service" | "method" | "media">,
): ToolCallResult {
  if (binding && binding.media.length > 0) {
    const { content, structured } = splitContent(result, binding.media, binding);
    return structured ? { content, structuredContent: structured } : { content };
  }
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
