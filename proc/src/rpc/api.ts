/** hero_proc's API: one declaration per method yields the dispatcher and the OpenRPC document. */
import { defineApi, type RpcApi } from "@hero/sdk";
import { EXAMPLES } from "./examples.ts";
import { jobMethods } from "./job_methods.ts";
import { SCHEMAS } from "./schemas.ts";
import { serviceMethods } from "./service_methods.ts";
import { type SystemHooks, systemMethods } from "./system_methods.ts";
import { logMethods } from "../logs/api/log_methods.ts";
import { deployMethods } from "./deploy_methods.ts";
import type { LogStore } from "../logs/log_store.ts";

/** Builds the API around a (lazily available) supervisor; validators compile on first use. */
export function createProcApi(
  hooks: SystemHooks & { logs?: () => LogStore },
  compileValidators: "eager" | "lazy" = "lazy",
): RpcApi {
  return defineApi({
    compileValidators,
    info: {
      title: "hero_proc",
      version: hooks.version,
      description:
        "The Hero process supervisor: services made of actions, jobs, restarts with backoff, health checks, dependencies and captured output.",
      license: { name: "Apache-2.0" },
    },
    methods: [
      ...[...serviceMethods(hooks.sup), ...jobMethods(hooks.sup), ...systemMethods(hooks)].map(
        (m) => (m.examples?.length ? m : { ...m, examples: EXAMPLES[m.name] ?? [] }),
      ),
      ...(hooks.logs ? logMethods(hooks.logs) : []),
      ...deployMethods(hooks.sup),
    ],
    components: { schemas: SCHEMAS },
  });
}
