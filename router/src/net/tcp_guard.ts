/**
 * The network half of the TCP gate: the peer must be in the IP whitelist, and `Host` and
 * `Origin` must pass the DNS-rebinding check. Verdicts are memoised (bounded), since every
 * request of a connection repeats the same values.
 */
import type { ConnectionInfo } from "@hero/sdk";
import type { WithHeaders } from "../../../ui/session/admin_session.ts";
import { hostProblem } from "./host_guard.ts";
import type { IpWhitelist } from "./ip_whitelist.ts";

const MEMO_LIMIT = 4096;

/** Says why a TCP request must be refused before anything else, or undefined. */
export type NetworkCheck = (request: WithHeaders, info: ConnectionInfo) => string | undefined;

/** Builds the whitelist and Host/Origin check. */
export function networkCheck(
  whitelist: IpWhitelist,
  allowedHosts: readonly string[],
): NetworkCheck {
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
    if (!allowed) return `${info.remoteAddress ?? "unknown peer"} is not in the IP whitelist`;
    // An absent header must not share a key with the literal value "null" (`Origin: null`).
    const host = request.headers.get("host");
    const origin = request.headers.get("origin");
    const key = `${host === null ? "\0" : host}\n${origin === null ? "\0" : origin}`;
    let problem = hosts.get(key);
    if (problem === undefined && !hosts.has(key)) {
      problem = hostProblem(request, opts);
      remember(hosts, key, problem);
    }
    return problem;
  };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
}
