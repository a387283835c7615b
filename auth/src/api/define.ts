/**
 * Helpers shared by hero_auth's RPC methods: declaring a method whose store errors become the
 * documented wire errors, the shared error objects and small schema pieces.
 */
import { defineMethod, type MethodSpec } from "@hero/sdk";
import { AuthWireCode, toRpcError } from "../errors.ts";

/** Declares a method; errors thrown by the stores are mapped to wire errors. */
export function authMethod<P, R>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  const handler = spec.handler;
  return defineMethod<P, R>({
    ...spec,
    handler: async (params, ctx) => {
      try {
        return await handler(params, ctx);
      } catch (err) {
        throw toRpcError(err);
      }
    },
  });
}

/** The errors most methods document. */
export const NOT_FOUND = { code: AuthWireCode.NotFound, message: "Not found" };
/** Name taken. */
export const CONFLICT = { code: AuthWireCode.Conflict, message: "Already exists" };
/** Refused for the owner account. */
export const FORBIDDEN = { code: AuthWireCode.Forbidden, message: "Not allowed" };

/** A required string id param. */
export function idParam(name = "id", description = "Id"): {
  name: string;
  required: true;
  description: string;
  schema: Record<string, unknown>;
} {
  return {
    name,
    required: true,
    description,
    schema: { type: "string", minLength: 1, maxLength: 200 },
  };
}

/** Read-only method annotations. */
export const READ = { readOnlyHint: true } as const;
/** Annotations of a method that removes something. */
export const DESTRUCTIVE = { destructiveHint: true, idempotentHint: true } as const;
