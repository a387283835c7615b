/**
 * The gate in front of the TCP listeners: the peer must be in the IP whitelist, and `Host` and
 * `Origin` must pass the DNS-rebinding check. Refusals are 403 with a sentence saying why.
 */
import type { FetchHandler } from "@hero/sdk";
import { hostProblem } from "./host_guard.ts";
import type { IpWhitelist } from "./ip_whitelist.ts";

/** Wraps `handler` with the whitelist and Host/Origin checks. */
export function guardTcp(
  handler: FetchHandler,
  whitelist: IpWhitelist,
  allowedHosts: readonly string[],
): FetchHandler {
  return (request, info) => {
    if (!whitelist.allows(info.remoteAddress)) {
      return Promise.resolve(forbidden(
        `Forbidden: ${info.remoteAddress ?? "unknown peer"} is not in the IP whitelist`,
      ));
    }
    const problem = hostProblem(request, { allowedHosts });
    if (problem) return Promise.resolve(forbidden(`Forbidden: ${problem}`));
    return handler(request, info);
  };
}

function forbidden(message: string): Response {
  return Response.json({ error: message }, { status: 403 });
}
