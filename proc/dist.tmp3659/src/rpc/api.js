/** hero_proc's API: one declaration per method yields the dispatcher and the OpenRPC document. */
import { defineApi,             } from "../../sdk/mod.js";
import { EXAMPLES } from "./examples.js";
import { jobMethods } from "./job_methods.js";
import { SCHEMAS } from "./schemas.js";
import { serviceMethods } from "./service_methods.js";
import {                   systemMethods } from "./system_methods.js";

/** Builds the API around a (lazily available) supervisor; validators compile on first use. */
export function createProcApi(
  hooks             ,
  compileValidators                   = "lazy",
)         {
  return defineApi({
    compileValidators,
    info: {
      title: "hero_proc",
      version: hooks.version,
      description:
        "The Hero process supervisor: services made of actions, jobs, restarts with backoff, health checks, dependencies and captured output.",
      license: { name: "Apache-2.0" },
    },
    methods: [...serviceMethods(hooks.sup), ...jobMethods(hooks.sup), ...systemMethods(hooks)].map(
      (m) => (m.examples?.length ? m : { ...m, examples: EXAMPLES[m.name] ?? [] }),
    ),
    components: { schemas: SCHEMAS },
  });
}
