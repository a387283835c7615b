/** A small API used by the contract tests: every kind of method the dispatcher must handle. */
import { defineApi, defineMethod, HeroError, type RpcApi, RpcError } from "../mod.ts";

/** Mutable state the tests check to prove that rejected requests change nothing. */
export interface FixtureState {
  counter: number;
  /** Calls of "work" that saw their signal abort. */
  cancelledWork?: number;
}

/** Builds the fixture API around `state`. */
export function fixtureApi(state: FixtureState): RpcApi {
  return defineApi({
    info: { title: "Fixture", version: "1.2.3", description: "Contract test fixture" },
    components: {
      schemas: {
        Point: {
          type: "object",
          properties: { x: { type: "number" }, y: { type: "number" } },
          required: ["x", "y"],
          additionalProperties: false,
        },
      },
    },
    methods: [
      defineMethod<{ value: unknown }, unknown>({
        name: "echo",
        summary: "Returns its input",
        params: [{ name: "value", schema: {}, required: true }],
        result: { name: "value", schema: {} },
        handler: ({ value }) => value,
      }),
      defineMethod({
        name: "cyclic",
        summary: "Returns a value JSON cannot carry",
        params: [],
        result: { name: "value", schema: {} },
        handler: () => {
          const value: Record<string, unknown> = {};
          value.self = value;
          return value;
        },
      }),
      defineMethod<{ a: number; b: number }, number>({
        name: "add",
        summary: "Adds two numbers",
        paramStructure: "by-position",
        params: [
          { name: "a", schema: { type: "number" }, required: true },
          { name: "b", schema: { type: "number" }, required: true },
        ],
        result: { name: "sum", schema: { type: "number" } },
        examples: [{
          name: "one plus two",
          params: [{ name: "a", value: 1 }, { name: "b", value: 2 }],
          result: { name: "sum", value: 3 },
        }],
        handler: ({ a, b }) => a + b,
      }),
      defineMethod<{ p: { x: number; y: number } }, number>({
        name: "norm",
        summary: "Length of a point (uses a $ref schema)",
        paramStructure: "by-name",
        params: [{ name: "p", schema: { $ref: "#/components/schemas/Point" }, required: true }],
        result: { name: "length", schema: { type: "number" } },
        handler: ({ p }) => Math.hypot(p.x, p.y),
      }),
      defineMethod<{ by?: number }, number>({
        name: "counter.increment",
        summary: "Increments the shared counter",
        params: [{ name: "by", schema: { type: "integer", minimum: 1 } }],
        result: { name: "counter", schema: { type: "integer" } },
        annotations: { idempotentHint: false },
        handler: ({ by = 1 }) => (state.counter += by),
      }),
      defineMethod<Record<string, never>, number>({
        name: "counter.get",
        params: [],
        result: { name: "counter", schema: { type: "integer" } },
        annotations: { readOnlyHint: true },
        handler: () => state.counter,
      }),
      defineMethod<{ ms: number }, string>({
        name: "sleep",
        summary: "Waits, honouring cancellation",
        params: [{ name: "ms", schema: { type: "integer", minimum: 0 }, required: true }],
        result: { name: "done", schema: { type: "string" } },
        handler: ({ ms }, ctx) =>
          new Promise((resolve, reject) => {
            const t = setTimeout(() => resolve("slept"), ms);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(t);
              reject(new HeroError("CANCELLED", "sleep cancelled"));
            });
          }),
      }),
      defineMethod<{ steps: number; ms: number }, string>({
        name: "work",
        summary: "Works in steps, reporting progress and a message to the caller",
        params: [
          { name: "steps", schema: { type: "integer", minimum: 1 }, required: true },
          { name: "ms", schema: { type: "integer", minimum: 0 }, required: true },
        ],
        result: { name: "done", schema: { type: "string" } },
        handler: async ({ steps, ms }, ctx) => {
          ctx.logToCaller("info", { started: steps });
          ctx.signal.addEventListener("abort", () => {
            state.cancelledWork = (state.cancelledWork ?? 0) + 1;
          }, { once: true });
          for (let i = 0; i < steps; i++) {
            ctx.progress({ progress: i, total: steps, message: `step ${i + 1}` });
            await new Promise<void>((resolve, reject) => {
              const t = setTimeout(resolve, ms);
              const stop = () => {
                clearTimeout(t);
                reject(new HeroError("CANCELLED", "work cancelled"));
              };
              if (ctx.signal.aborted) stop();
              ctx.signal.addEventListener("abort", stop, { once: true });
            });
          }
          ctx.progress({ progress: steps, total: steps });
          return "worked";
        },
      }),
      defineMethod<{ kind: string }, never>({
        name: "fail",
        summary: "Fails in the requested way",
        params: [{ name: "kind", schema: { enum: ["rpc", "local", "crash"] }, required: true }],
        result: { name: "never", schema: {} },
        errors: [{ code: 4004, message: "Thing not found" }],
        handler: ({ kind }) => {
          if (kind === "rpc") throw new RpcError(4004, "Thing not found", { id: "x1" });
          if (kind === "local") throw new HeroError("NOT_READY", "Cannot do it: not ready");
          throw new TypeError("secret internals");
        },
      }),
    ],
  });
}
