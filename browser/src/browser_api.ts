/**
 * The `browser` service's API: one method per Playwright MCP tool (so the router's MCP gateway
 * names them `browser_navigate`, `browser_snapshot`, …), over isolated contexts per caller.
 */
import { defineApi, type HeroLogger, type RpcApi } from "@hero/sdk";
import { inputMethods } from "./methods/input_methods.ts";
import { navigationMethods } from "./methods/navigation_methods.ts";
import { readingMethods } from "./methods/reading_methods.ts";
import type { Sessions } from "./chromium/sessions.ts";

/** The version reported in the OpenRPC document. */
export const BROWSER_VERSION = "0.1.0";

/** Builds the API over a session registry; actions are logged through `logger`. */
export function browserApi(sessions: Sessions, logger?: HeroLogger): RpcApi {
  const deps = { sessions, logger };
  return defineApi({
    info: {
      title: "Browser",
      version: BROWSER_VERSION,
      description: "Browser automation (Chromium through playwright-core): the tools of " +
        "Playwright MCP, with an isolated context per caller, limits and an action log.",
    },
    methods: [...navigationMethods(deps), ...readingMethods(deps), ...inputMethods(deps)],
    compileValidators: "lazy",
  });
}
