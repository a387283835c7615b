/**
 * The gate in front of the TCP listeners: the peer must be in the IP whitelist, and `Host` and
 * `Origin` must pass the DNS-rebinding check. Refusals are 403 with a sentence saying why.
 * Verdicts are memoised (bounded), since every request of a connection repeats the same values.
 */
import type { FetchHandler } from "@hero/sdk";
import { hostProblem } from "./host_guard.ts";
import type { IpWhitelist } from "./ip_whitelist.ts";

const MEMO_LIMIT = 4096;

/** Wraps `handler` with the whitelist and Host/Origin checks. */
export function guardTcp(
  handler: FetchHandler,
  whitelist: IpWhitelist,
  allowedHosts: readonly string[],
): FetchHandler {
  const peers = new Map<string, boolean>();
  const hosts = new Map<string, string | undefined>();
  const opts = { allowedHosts };
  return (request, info) => {
    const peer = info.remoteAddress ?? "";
    let allowed = peers.get(peer);
    if (allowed === undefined) {
      allowed = whitelist.allows(info.remoteAddress);
      remember(peers, peer, allowed);
    }
    if (!allowed) {
      return Promise.resolve(forbidden(
        `Forbidden: ${info.remoteAddress ?? "unknown peer"} is not in the IP whitelist`,
      ));
    }
    const key = `${request.headers.get("host")}\n${request.headers.get("origin")}`;
    let problem = hosts.get(key);
    if (problem === undefined && !hosts.has(key)) {
      problem = hostProblem(request, opts);
      remember(hosts, key, problem);
    }
    if (problem) return Promise.resolve(forbidden(`Forbidden: ${problem}`));
    return handler(request, info);
  };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
}

function forbidden(message: string): Response {
  return Response.json({ error: message }, { status: 403 });
}
