/**
 * DNS-rebinding defence for the TCP listeners: a page on `evil.example` whose name suddenly
 * resolves to 127.0.0.1 still sends `Host: evil.example`. Only IP literals, `localhost` and
 * names the operator allowed are accepted in `Host`, and the same rule applies to `Origin`;
 * the opaque origin `null` is refused.
 */
import type { WithHeaders } from "../../../ui/session/admin_session.ts";
import { isIpLiteral } from "./ip_address.ts";

/** Host names accepted besides IP literals and `localhost`. */
export interface HostGuardOptions {
  allowedHosts?: readonly string[];
}

/** Extracts the host name from a `Host` header value (`[::1]:9988` -> `::1`). */
export function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end < 0 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(":");
  return (colon < 0 ? host : host.slice(0, colon)).replace(/\.$/, "");
}

/** Returns why the request must be refused, or undefined if its Host and Origin are fine. */
export function hostProblem(
  request: WithHeaders,
  opts: HostGuardOptions = {},
): string | undefined {
  const allowed = new Set((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const ok = (name: string) =>
    isIpLiteral(name) || name === "localhost" || name.endsWith(".localhost") || allowed.has(name);
  const host = request.headers.get("host");
  if (!host) return "the Host header is missing";
  const name = hostnameOf(host);
  if (!ok(name)) return `host "${name}" is not allowed (DNS rebinding protection)`;
  const origin = request.headers.get("origin");
  // `null` is what sandboxed iframes, file: pages and some redirects send: never a Hero page.
  if (origin === "null") return 'origin "null" is not allowed (sandboxed or opaque pages)';
  if (origin) {
    let originHost: string;
    try {
      originHost = hostnameOf(new URL(origin).host);
    } catch {
      return `origin "${origin}" is not a valid URL`;
    }
    if (!ok(originHost)) return `origin "${origin}" is not allowed`;
  }
  return undefined;
}
