/**
 * Who sent a request to one of a service's sockets: the caller named by a verified
 * `X-Hero-Caller` assertion (hero_router forwarding for someone), else the owner for a direct
 * Unix-socket client, else nobody (a request forwarded by some other proxy). An assertion that
 * does not verify gets 401: a bare or forged header is never believed, and never falls back to
 * the owner either.
 */
import { isHeroError } from "../errors/hero_error.ts";
import type { ConnectionInfo, FetchHandler } from "../runtime/types.ts";
import { jsonBytesResponse } from "./manifest.ts";
import { ANONYMOUS_CALLER, type Caller, CALLER_HEADER, OWNER_CALLER } from "../caller/caller.ts";
import type { CallerVerifier } from "../caller/caller_assertion.ts";

/** The caller of a request, or the reason its assertion was refused. */
export async function resolveCaller(
  request: Request,
  info: ConnectionInfo,
  verifier: CallerVerifier,
): Promise<Caller | { refused: string }> {
  const assertion = request.headers.get(CALLER_HEADER);
  if (assertion !== null) {
    try {
      return await verifier.verify(assertion);
    } catch (err) {
      if (isHeroError(err, "INVALID_CALLER")) return { refused: err.message };
      throw err;
    }
  }
  if (info.transport === "unix" && !request.headers.has("x-forwarded-for")) return OWNER_CALLER;
  return ANONYMOUS_CALLER;
}

/** Wraps a socket handler: the handler sees `info.caller`; refused assertions get 401. */
export function withCaller(handler: FetchHandler, verifier: CallerVerifier): FetchHandler {
  return async (request, info) => {
    const caller = await resolveCaller(request, info, verifier);
    if ("refused" in caller) {
      return jsonBytesResponse({ error: `Unauthorized: ${caller.refused}` }, 401);
    }
    return await handler(request, { ...info, caller });
  };
}
