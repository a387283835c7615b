/**
 * Declaring hero_collab's RPC methods: each handler gets its params and the calling actor
 * (resolved by the identity adapter), writes are rate limited per user, and local errors become
 * the documented wire errors. Also the shared annotation sets and small param schemas.
 */
import { type CallContext, defineMethod, type MethodSpec, type ParamSpec } from "@hero/sdk";
import { toRpcError } from "../errors.ts";
import { callerOf } from "../identity/caller.ts";
import type { Actor } from "../domain/access.ts";
import type { CollabService } from "../collab_service.ts";

/** A method of hero_collab: like the SDK's, but the handler also gets the actor. */
export interface CollabMethodSpec<P, R> extends Omit<MethodSpec<P, R>, "handler"> {
  handler: (params: P, actor: Actor, ctx: CallContext) => R | Promise<R>;
}

/** Declares a method over a service; non-read-only methods count against the write rate. */
export function collabMethod<P, R>(
  svc: CollabService,
  spec: CollabMethodSpec<P, R>,
): MethodSpec<P, R> {
  const handler = spec.handler;
  const write = !spec.annotations?.readOnlyHint;
  return defineMethod<P, R>({
    ...spec,
    handler: async (params, ctx) => {
      try {
        const actor = svc.actorOf(callerOf(ctx));
        const limited = write && !actor.owner;
        if (limited) svc.rateLimiter.check(actor.userId);
        const result = await handler(params, actor, ctx);
        if (limited) svc.rateLimiter.take(actor.userId);
        return result;
      } catch (err) {
        throw toRpcError(err);
      }
    },
  });
}

/** Reads only. */
export const READ = { readOnlyHint: true } as const;
/** Changes something; repeating it changes nothing more. */
export const IDEMPOTENT = { idempotentHint: true } as const;
/** Removes something. */
export const DESTRUCTIVE = { destructiveHint: true } as const;
/** Reaches outside hero_collab (other services, URLs). */
export const OPEN_WORLD = { openWorldHint: true } as const;

/** A record id param. */
export function idParam(name: string, description: string, required = true): ParamSpec {
  return { name, description, required, schema: { type: "string", minLength: 1, maxLength: 64 } };
}

/** A `$ref` to a shared schema. */
export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** A list of ids. */
export function idList(name: string, description: string, max = 100): ParamSpec {
  return {
    name,
    description,
    required: true,
    schema: {
      type: "array",
      items: { type: "string", minLength: 1, maxLength: 64 },
      minItems: 1,
      maxItems: max,
    },
  };
}
