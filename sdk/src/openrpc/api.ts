/**
 * An API: the service's info plus its method declarations. It produces the OpenRPC 1.3 document
 * and calls methods with validated params — one source of truth for both.
 */
import { RpcError, RpcErrorCode } from "../errors/rpc_error.ts";
import { type CallContext, methodObject, type MethodSpec } from "./method.ts";
import type { Ajv } from "ajv";
import {
  compileParamsValidator,
  createSchemaCompiler,
  emptyParamsValidator,
  type ParamsValidator,
} from "./params_validator.ts";

/** The `info` object of the OpenRPC document. */
export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
  license?: { name: string; url?: string };
  contact?: { name?: string; url?: string; email?: string };
}

/** Everything needed to build an API. */
export interface ApiOptions {
  info: ApiInfo;
  // deno-lint-ignore no-explicit-any
  methods: MethodSpec<any, any>[];
  /** Shared schemas, referenced from params and results as `#/components/schemas/<Name>`. */
  components?: { schemas?: Record<string, unknown> };
  /**
   * When params validators are compiled: `eager` (default) when the server starts
   * ({@link RpcApi.prepare}), so a bad schema fails at once; `lazy` on a method's first call,
   * which saves memory in long-lived services.
   */
  compileValidators?: "eager" | "lazy";
}

/** An OpenRPC 1.3 document. */
export type OpenRpcDocument = Record<string, unknown> & {
  openrpc: string;
  info: ApiInfo;
  methods: Record<string, unknown>[];
};

interface MethodEntry {
  // deno-lint-ignore no-explicit-any
  spec: MethodSpec<any, any>;
  /** Compiled on demand (see {@link RpcApi.prepare}). */
  validate?: ParamsValidator;
}

/** A callable, self-describing API. */
export class RpcApi {
  /** The OpenRPC document served at `/openrpc.json` and by `rpc.discover`. */
  readonly document: OpenRpcDocument;
  readonly #methods = new Map<string, MethodEntry>();
  readonly #options: ApiOptions;
  #compiler?: Promise<Ajv>;

  /** Builds the document; validators are compiled by {@link prepare} or on first call. */
  constructor(options: ApiOptions) {
    this.#options = options;
    for (const spec of options.methods) {
      if (this.#methods.has(spec.name)) {
        throw new Error(`Method "${spec.name}" is declared twice`);
      }
      if (spec.name.startsWith("rpc.")) {
        throw new Error(`Method "${spec.name}": names starting with "rpc." are reserved`);
      }
      this.#methods.set(spec.name, { spec });
    }
    this.document = {
      openrpc: "1.3.2",
      info: options.info,
      methods: options.methods.map((m) => methodObject(m)),
      ...(options.components ? { components: options.components } : {}),
    };
  }

  /**
   * Compiles every params validator now (unless `compileValidators` is `lazy`), so that a bad
   * schema fails when the server starts rather than on some later call.
   */
  async prepare(): Promise<void> {
    if (this.#options.compileValidators === "lazy") return;
    for (const entry of this.#methods.values()) await this.#validatorOf(entry);
  }

  /** The names of all declared methods, in declaration order. */
  get methodNames(): string[] {
    return [...this.#methods.keys()];
  }

  /** Calls `method` with raw params: validates them, runs the handler, returns its result. */
  async call(method: string, rawParams: unknown, ctx: CallContext): Promise<unknown> {
    if (method === "rpc.discover") return this.document;
    const entry = this.#methods.get(method);
    if (!entry) {
      throw new RpcError(RpcErrorCode.MethodNotFound, `Method not found: "${method}"`);
    }
    const validate = entry.validate ?? await this.#validatorOf(entry);
    const params = validate(rawParams);
    const result = await entry.spec.handler(params, ctx);
    return result === undefined ? null : result;
  }

  async #validatorOf(entry: MethodEntry): Promise<ParamsValidator> {
    if (!entry.validate) {
      const { spec } = entry;
      const validate = spec.params.length === 0
        ? emptyParamsValidator(spec.name)
        : compileParamsValidator(
          await (this.#compiler ??= createSchemaCompiler()),
          spec.name,
          spec.params,
          {
            structure: spec.paramStructure ?? "either",
            components: this.#options.components,
          },
        );
      entry.validate ??= validate;
    }
    return entry.validate;
  }
}

/** Declares an API from its info and methods. */
export function defineApi(options: ApiOptions): RpcApi {
  return new RpcApi(options);
}
