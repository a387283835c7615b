/**
 * Declaring an RPC method once: its name, documentation, parameter and result schemas, errors,
 * examples and handler. The same declaration yields the dispatcher entry and the OpenRPC
 * method object, so the document can never drift from the code.
 */
import type { Caller } from "../caller/caller.ts";

/**
 * A JSON Schema (draft-07 dialect, as used by OpenRPC 1.3).
 *
 * @example
 * ```ts
 * import type { JsonSchema } from "@hero/sdk";
 * const tags: JsonSchema = { type: "array", items: { type: "string" }, maxItems: 20 };
 * ```
 */
export type JsonSchema = Record<string, unknown> | boolean;

/**
 * One parameter (an OpenRPC content descriptor).
 *
 * @example
 * ```ts
 * import type { ParamSpec } from "@hero/sdk";
 * const id: ParamSpec = { name: "id", required: true, schema: { type: "integer", minimum: 1 } };
 * ```
 */
export interface ParamSpec {
  /** The param's name (the key of a by-name call). */
  name: string;
  /** JSON Schema the value must match (validated before the handler runs). */
  schema: JsonSchema;
  /** Whether the call must give it (default false). */
  required?: boolean;
  /** One line for people. */
  summary?: string;
  /** Longer explanation (Markdown). */
  description?: string;
  /** Kept for old callers; new ones should not use it. */
  deprecated?: boolean;
}

/**
 * The result of a method (an OpenRPC content descriptor).
 *
 * @example
 * ```ts
 * import type { ResultSpec } from "@hero/sdk";
 * const result: ResultSpec = { name: "count", schema: { type: "integer", minimum: 0 } };
 * ```
 */
export interface ResultSpec {
  /** The result's name in the OpenRPC document. */
  name: string;
  /** JSON Schema of the value the handler returns. */
  schema: JsonSchema;
  /** One line for people. */
  summary?: string;
  /** Longer explanation (Markdown). */
  description?: string;
}

/**
 * An application error the method may answer with.
 *
 * @example
 * ```ts
 * import type { ErrorSpec } from "@hero/sdk";
 * const notFound: ErrorSpec = { code: 4004, message: "Note not found" };
 * ```
 */
export interface ErrorSpec {
  /** The error code the method may answer with. */
  code: number;
  /** What it means, in one line. */
  message: string;
  /** Detail carried in the error's `data`. */
  data?: unknown;
}

/**
 * An example pairing: named params and the expected result.
 *
 * @example
 * ```ts
 * import type { ExampleSpec } from "@hero/sdk";
 * const first: ExampleSpec = {
 *   name: "first note",
 *   params: [{ name: "id", value: 1 }],
 *   result: { name: "note", value: { id: 1, title: "Groceries" } },
 * };
 * ```
 */
export interface ExampleSpec {
  /** Short name of the example. */
  name: string;
  /** One line for people. */
  summary?: string;
  /** Longer explanation (Markdown). */
  description?: string;
  /** The params of the example call, by name. */
  params: { name: string; value: unknown }[];
  /** What the call returns. */
  result?: { name: string; value: unknown };
}

/**
 * Behaviour hints published as the `x-hero-annotations` OpenRPC extension; the router's MCP
 * gateway turns them into MCP tool annotations.
 *
 * @example
 * ```ts
 * import type { MethodAnnotations } from "@hero/sdk";
 * const readOnly: MethodAnnotations = { readOnlyHint: true, idempotentHint: true };
 * ```
 */
export interface MethodAnnotations {
  /** The method changes nothing. */
  readOnlyHint?: boolean;
  /** The method may delete or overwrite data. */
  destructiveHint?: boolean;
  /** Calling it twice with the same params has the effect of calling it once. */
  idempotentHint?: boolean;
  /** The method reaches outside the service (network, other systems). */
  openWorldHint?: boolean;
}

/**
 * One progress report of a long call (the shape of MCP's progress notification).
 *
 * @example
 * ```ts
 * import { defineMethod, type ProgressUpdate } from "@hero/sdk";
 * defineMethod({
 *   name: "files.scan",
 *   params: [],
 *   result: { name: "done", schema: { type: "boolean" } },
 *   handler: (_params, ctx) => {
 *     const update: ProgressUpdate = { progress: 50, total: 100, message: "half way" };
 *     ctx.progress(update);
 *     return true;
 *   },
 * });
 * ```
 */
export interface ProgressUpdate {
  /** Work done so far; increases with every report. */
  progress: number;
  /** Total work, when known. */
  total?: number;
  /** What is happening now, for a person. */
  message?: string;
}

/**
 * Levels of a message sent to the caller of a call (MCP logging levels).
 *
 * @example
 * ```ts
 * import { type CallerLogLevel, defineMethod } from "@hero/sdk";
 * const level: CallerLogLevel = "warning";
 * defineMethod({
 *   name: "files.sync",
 *   params: [],
 *   result: { name: "done", schema: { type: "boolean" } },
 *   handler: (_params, ctx) => {
 *     ctx.logToCaller(level, "3 files skipped");
 *     return true;
 *   },
 * });
 * ```
 */
export type CallerLogLevel =
  | "debug"
  | "info"
  | "notice"
  | "warning"
  | "error"
  | "critical"
  | "alert"
  | "emergency";

/**
 * What a handler gets besides its params.
 *
 * @example
 * ```ts
 * import { type CallContext, defineMethod } from "@hero/sdk";
 * defineMethod({
 *   name: "whoami",
 *   params: [],
 *   result: { name: "subject", schema: { type: "string" } },
 *   handler: (_params, ctx: CallContext) => ctx.caller.subject,
 * });
 * ```
 */
export interface CallContext {
  /** The method being called. */
  method: string;
  /** Aborted when the request times out, the client disconnects or the server stops. */
  signal: AbortSignal;
  /** Who is calling: the owner, or whom hero_router's verified assertion names. */
  caller: Caller;
  /**
   * Reports progress to the caller, as an `rpc.progress` notification on the call's streamed
   * reply (the MCP gateway turns it into `notifications/progress`). Does nothing when the
   * caller did not ask for a stream.
   */
  progress(update: ProgressUpdate): void;
  /**
   * Sends a message to the caller of this call (not to hero_proc's log store), as an `rpc.log`
   * notification on the streamed reply (MCP `notifications/message`). Does nothing when the
   * caller did not ask for a stream.
   */
  logToCaller(level: CallerLogLevel, data: unknown): void;
}

/**
 * What a dispatcher provides to build a {@link CallContext}.
 *
 * @example
 * ```ts
 * import { type CallContextInit, defineApi } from "@hero/sdk";
 * const api = defineApi({ info: { title: "Ping", version: "1.0.0" }, methods: [] });
 * const init: CallContextInit = { method: "rpc.discover", signal: new AbortController().signal };
 * await api.call("rpc.discover", [], init); // the OpenRPC document
 * ```
 */
export interface CallContextInit {
  /** The called method's name. */
  method: string;
  /** Aborted when the caller goes away or the call times out. */
  signal: AbortSignal;
  /** Who is calling (default: the owner, as for in-process calls). */
  caller?: Caller;
  /** Sends a notification on the call's streamed reply; absent when the reply is not streamed. */
  notify?: (method: string, params: Record<string, unknown>) => void;
}

/**
 * A method declaration. Handlers always receive params by name, whatever the caller sent.
 *
 * @example
 * ```ts
 * import type { MethodSpec } from "@hero/sdk";
 * const ping: MethodSpec<Record<string, never>, string> = {
 *   name: "ping",
 *   params: [],
 *   result: { name: "pong", schema: { type: "string" } },
 *   handler: () => "pong",
 * };
 * ```
 */
export interface MethodSpec<P = Record<string, unknown>, R = unknown> {
  /** The method's name, e.g. `notes.create` (`rpc.*` is reserved). */
  name: string;
  /** One line for people. */
  summary?: string;
  /** Longer explanation (Markdown). */
  description?: string;
  /** Groups the method in the OpenRPC document. */
  tags?: string[];
  /** The params, in positional order. */
  params: ParamSpec[];
  /** What the method returns. */
  result: ResultSpec;
  /** The application errors it may answer with. */
  errors?: ErrorSpec[];
  /** Example calls, shown in the docs and the OpenRPC document. */
  examples?: ExampleSpec[];
  /** Which param shapes it accepts (default `either`). */
  paramStructure?: "by-name" | "by-position" | "either";
  /** Kept for old callers; new ones should not use it. */
  deprecated?: boolean;
  /** Hints for tools (MCP): read-only, destructive, idempotent, open-world. */
  annotations?: MethodAnnotations;
  /** Runs the call with validated params; its return value (or promise) is the result. */
  handler: (params: P, ctx: CallContext) => R | Promise<R>;
}

/**
 * Declares a method; the identity function that gives the handler its parameter types.
 *
 * @example
 * ```ts
 * import { defineMethod } from "@hero/sdk";
 * const get = defineMethod<{ id: number }, { id: number; title: string }>({
 *   name: "notes.get",
 *   summary: "One note by id",
 *   params: [{ name: "id", required: true, schema: { type: "integer", minimum: 1 } }],
 *   result: { name: "note", schema: { type: "object" } },
 *   errors: [{ code: 4004, message: "Note not found" }],
 *   examples: [{ name: "first", params: [{ name: "id", value: 1 }] }],
 *   annotations: { readOnlyHint: true },
 *   handler: ({ id }) => ({ id, title: "Groceries" }),
 * });
 * ```
 */
export function defineMethod<P = Record<string, unknown>, R = unknown>(
  spec: MethodSpec<P, R>,
): MethodSpec<P, R> {
  return spec;
}

/** The OpenRPC method object for a declaration. */
export function methodObject(spec: MethodSpec<never, unknown>): Record<string, unknown> {
  const obj: Record<string, unknown> = { name: spec.name };
  if (spec.summary) obj.summary = spec.summary;
  if (spec.description) obj.description = spec.description;
  if (spec.tags?.length) obj.tags = spec.tags.map((name) => ({ name }));
  obj.paramStructure = spec.paramStructure ?? "either";
  obj.params = spec.params.map((p) => ({ ...p, required: p.required ?? false }));
  obj.result = spec.result;
  if (spec.errors?.length) obj.errors = spec.errors;
  if (spec.examples?.length) obj.examples = spec.examples;
  if (spec.deprecated) obj.deprecated = true;
  if (spec.annotations) obj["x-hero-annotations"] = spec.annotations;
  return obj;
}
