/**
 * Header rules of the proxy: hop-by-hop headers (the fixed list plus every header named in
 * `Connection`) never cross it in either direction, also not on 101 responses, and the
 * `X-Forwarded-*` headers tell the backend who asked, through which host, under which prefix.
 * Who asked is also told by the signed `X-Hero-Caller` assertion: an incoming one is always
 * dropped, and the router's own credentials (its session cookies, a bearer token the gate
 * consumed) are removed so a service never sees, or could replay, them.
 */
import type { ConnectionInfo } from "@hero/sdk";
import { CALLER_HEADER } from "@hero/sdk/wire";
import { HOP_BY_HOP } from "../http/hop_by_hop.ts";

/**
 * The header in which the router's TCP front tells its app which TCP peer sent a request (the
 * front drops it from clients); never forwarded to a service.
 */
export const PEER_HEADER = "x-hero-peer";

/** An `X-Forwarded-Prefix` taken from any caller: one or two plain path segments. */
export const SAFE_PREFIX = /^(\/[a-z0-9_]{1,64}){1,2}$/;

/** What the gate hands the proxy about the caller of a request. */
export interface ForwardedCaller {
  /** The signed assertion for the target service (absent on public paths). */
  assertion?: string;
  /** Names of the router's own cookies, removed from `Cookie`. */
  dropCookies: readonly string[];
  /** Whether `Authorization` was the router's credential (then it is removed). */
  dropAuthorization: boolean;
}

/**
 * Request headers for the backend (lower-case pairs): hop-by-hop removed, `X-Forwarded-*` set,
 * and the caller's assertion in place of the router's credentials.
 */
export function forwardRequestHeaders(
  request: Request,
  info: ConnectionInfo,
  prefix: string,
  caller?: ForwardedCaller,
): [string, string][] {
  const headers = request.headers;
  const connection = headers.get("connection");
  const named = connection
    ? new Set(connection.split(",").map((x) => x.trim().toLowerCase()))
    : undefined;
  // Only a local front proxy (on the Unix socket) is trusted to have set these already.
  const trusted = info.transport === "unix";
  const out: [string, string][] = [];
  let host = "localhost";
  let priorFor: string | undefined;
  let priorHost: string | undefined;
  let priorProto: string | undefined;
  let priorPrefix = "";
  for (const [k, v] of headers) {
    if (HOP_BY_HOP.has(k) || named?.has(k) || k === PEER_HEADER || k === CALLER_HEADER) continue;
    if (k === "authorization" && caller?.dropAuthorization) continue;
    if (k === "cookie" && caller?.dropCookies.length) {
      const kept = withoutCookies(v, caller.dropCookies);
      if (kept) out.push([k, kept]);
      continue;
    }
    if (k.startsWith("x-forwarded-")) {
      // A prefix only tells the service where its pages live (a federating router puts
      // `/<peer>` in front); whoever lies about it breaks only their own links.
      if (k === "x-forwarded-prefix" && !trusted && SAFE_PREFIX.test(v)) priorPrefix = v;
      if (!trusted) continue;
      if (k === "x-forwarded-for") priorFor = v;
      else if (k === "x-forwarded-host") priorHost = v;
      else if (k === "x-forwarded-proto") priorProto = v;
      else if (k === "x-forwarded-prefix") priorPrefix = v;
      else out.push([k, v]);
      continue;
    }
    if (k === "host") host = v;
    out.push([k, v]);
  }
  if (host === "localhost" && !headers.has("host")) out.push(["host", host]);
  const peer = info.remoteAddress;
  const xff = peer ? (priorFor ? `${priorFor}, ${peer}` : peer) : priorFor;
  if (xff) out.push(["x-forwarded-for", xff]);
  out.push(["x-forwarded-host", priorHost ?? host]);
  out.push([
    "x-forwarded-proto",
    priorProto ?? (request.url.startsWith("https:") ? "https" : "http"),
  ]);
  out.push(["x-forwarded-prefix", priorPrefix.replace(/\/$/, "") + prefix]);
  if (caller?.assertion) out.push([CALLER_HEADER, caller.assertion]);
  return out;
}

/** A `Cookie` header value without the named cookies ("" when none is left). */
export function withoutCookies(header: string, names: readonly string[]): string {
  return header.split(";").map((c) => c.trim()).filter((c) => {
    const eq = c.indexOf("=");
    return c !== "" && !names.includes(eq < 0 ? c : c.slice(0, eq));
  }).join("; ");
}
