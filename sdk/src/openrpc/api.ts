/**
 * An API: the service's info plus its method declarations. It produces the OpenRPC 1.3 document
 * and calls methods with validated params — one source of truth for both.
 */
import { OWNER_CALLER } from "../caller/caller.ts";
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import { type CallContext, type CallContextInit, methodObject, type MethodSpec } from "./method.ts";
import {
  compileParamsValidator,
  createSchemaCompiler,
  type ParamsValidator,
} from "./params_validator.ts";

/**
 * The `info` object of the OpenRPC document.
 *
 * @example
 * ```ts
 * import type { ApiInfo } from "@hero/sdk";
 * const info: ApiInfo = { title: "Notes", version: "1.2.0", description: "Create and tag notes" };
 * ```
 */
export interface ApiInfo {
  /** The API's name, shown in docs and the router's dashboard. */
  title: string;
  /** The API's version (semver). */
  version: string;
  /** What the service does (Markdown). */
  description?: string;
  /** The licence of the API. */
  license?: { name: string; url?: string };
  /** Who to ask about the API. */
  contact?: { name?: string; url?: string; email?: string };
}

/**
 * Everything needed to build an API.
 *
 * @example
 * ```ts
 * import { type ApiOptions, defineApi } from "@hero/sdk";
 * const options: ApiOptions = {
 *   info: { title: "Notes", version: "1.0.0" },
 *   methods: [],
 *   components: { schemas: { Note: { type: "object" } } },
 * };
 * const api = defineApi(options);
 * ```
 */
export interface ApiOptions {
  /** The `info` object of the OpenRPC document. */
  info: ApiInfo;
  /** The methods, in the order the document lists them. */
  // deno-lint-ignore no-explicit-any
  methods: MethodSpec<any, any>[];
  /** Shared schemas, referenced from params and results as `#/components/schemas/<Name>`. */
  components?: { schemas?: Record<string, unknown> };
  /**
   * When params validators are compiled: `eager` (default) at construction, so a bad schema
   * fails at once; `lazy` on a method's first call, which saves memory in long-lived services.
   */
  compileValidators?: "eager" | "lazy";
}

/**
 * An OpenRPC 1.3 document.
 *
 * @example
 * ```ts
 * import { defineApi, type OpenRpcDocument } from "@hero/sdk";
 * const doc: OpenRpcDocument = defineApi({ info: { title: "Notes", version: "1.0.0" }, methods: [] })
 *   .document;
 * ```
 */
export type OpenRpcDocument = Record<string, unknown> & {
  openrpc: string;
  info: ApiInfo;
  methods: Record<string, unknown>[];
};

interface CompiledMethod {
  // deno-lint-ignore no-explicit-any
  spec: MethodSpec<any, any>;
  validate: ParamsValidator;
}

/**
 * A callable, self-describing API.
 *
 * @example
 * ```ts
 * import { defineApi, RpcApi } from "@hero/sdk";
 * const api: RpcApi = defineApi({ info: { title: "Empty", version: "0.1.0" }, methods: [] });
 * api.methodNames; // []
 * ```
 */
export class RpcApi {
  /** The OpenRPC document served at `/openrpc.json` and by `rpc.discover`. */
  readonly document: OpenRpcDocument;
  readonly #methods = new Map<string, CompiledMethod>();

  /** Builds the document and compiles every method's params validator. */
  constructor(options: ApiOptions) {
    const compiler = createSchemaCompiler();
    for (const spec of options.methods) {
      if (this.#methods.has(spec.name)) {
        throw new Error(`Method "${spec.name}" is declared twice`);
      }
      if (spec.name.startsWith("rpc.")) {
        throw new Error(`Method "${spec.name}": names starting with "rpc." are reserved`);
      }
      const compile = () =>
        compileParamsValidator(compiler, spec.name, spec.params, {
          structure: spec.paramStructure ?? "either",
          components: options.components,
        });
      let validate: ParamsValidator;
      if (options.compileValidators === "lazy") {
        // Compiled on first call: a long-lived service with many methods keeps only what it uses.
        let compiled: ParamsValidator | undefined;
        validate = (raw) => (compiled ??= compile())(raw);
      } else validate = compile();
      this.#methods.set(spec.name, { spec, validate });
    }
    this.document = {
      openrpc: "1.3.2",
      info: options.info,
      methods: options.methods.map((m) => methodObject(m)),
      ...(options.components ? { components: options.components } : {}),
    };
  }

  /** The names of all declared methods, in declaration order. */
  get methodNames(): string[] {
    return [...this.#methods.keys()];
  }

  /** Calls `method` with raw params: validates them, runs the handler, returns its result. */
  async call(method: string, rawParams: unknown, init: CallContextInit): Promise<unknown> {
    if (method === "rpc.discover") return this.document;
    const entry = this.#methods.get(method);
    if (!entry) {
      throw new RpcError(RpcErrorCode.MethodNotFound, `Method not found: "${method}"`);
    }
    const params = entry.validate(rawParams);
    const result = await entry.spec.handler(params, callContext(init));
    return result === undefined ? null : result;
  }
}

/** A handler's context: progress and caller messages go out only when the reply streams. */
function callContext(init: CallContextInit): CallContext {
  const notify = init.notify;
  return {
    method: init.method,
    caller: init.caller ?? OWNER_CALLER,
    get signal() {
      return init.signal;
    },
    progress: notify ? (update) => notify("rpc.progress", { ...update }) : () => {},
    logToCaller: notify ? (level, data) => notify("rpc.log", { level, data }) : () => {},
  };
}

/**
 * Declares an API from its info and methods.
 *
 * @example
 * ```ts
 * import { defineApi, defineMethod } from "@hero/sdk";
 * const api = defineApi({
 *   info: { title: "Greeter", version: "1.0.0" },
 *   methods: [
 *     defineMethod<{ name: string }, string>({
 *       name: "greet",
 *       params: [{ name: "name", required: true, schema: { type: "string" } }],
 *       result: { name: "greeting", schema: { type: "string" } },
 *       handler: ({ name }) => `Hello, ${name}`,
 *     }),
 *   ],
 * });
 * ```
 */
export function defineApi(options: ApiOptions): RpcApi {
  return new RpcApi(options);
}
