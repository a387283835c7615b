/**
 * hero_auth's whole OpenRPC API: users, groups, clients, sessions, audit, keys, tokens and the
 * router gate's identity check.
 */
import { defineApi, type MethodSpec, type RpcApi } from "@hero/sdk";
import type { AuthParts } from "../service_parts.ts";
import { clientMethods } from "./clients_api.ts";
import { gateMethods } from "./gate_api.ts";
import { groupMethods } from "./groups_api.ts";
import { AUTH_SCHEMAS } from "./schemas.ts";
import { sessionMethods } from "./sessions_api.ts";
import { userMethods } from "./users_api.ts";

/** The version of the API document. */
export const AUTH_API_VERSION = "0.1.0";

/** Builds the API over a running hero_auth's parts. */
export function authApi(p: AuthParts): RpcApi {
  return defineApi({
    info: {
      title: "hero_auth",
      version: AUTH_API_VERSION,
      description: "Single sign-on for every Hero service: an OpenID Connect provider with " +
        "users, groups and roles, TOTP and passkeys, sessions and an append-only audit log.",
      license: { name: "Apache-2.0" },
    },
    components: { schemas: AUTH_SCHEMAS },
    compileValidators: "lazy",
    methods: [
      ...userMethods(p),
      ...groupMethods(p),
      ...clientMethods(p),
      ...sessionMethods(p),
      ...gateMethods(p),
    ].map((m) => settledFirst(m, p)),
  });
}

/** A method that answers only once what it (or anything else) wrote is committed. */
// deno-lint-ignore no-explicit-any
function settledFirst(m: MethodSpec<any, any>, p: AuthParts): MethodSpec<any, any> {
  return {
    ...m,
    handler: async (params, ctx) => {
      const result = await m.handler(params, ctx);
      await p.commit.settled();
      return result;
    },
  };
}
