/**
 * The proxy path `/<service>/<webname>/<rest>`: which socket a request goes to and what path the
 * backend sees. Service and webname are checked on the raw (undecoded) text against strict
 * patterns, so no encoding trick (`..`, `%2e%2e`, `%2f`, double encoding) can name a socket
 * outside `<root>/<service>/`; dot segments in `<rest>` are resolved and may not climb above it.
 */
import { RESERVED_SERVICE_NAMES } from "@hero/sdk/wire";

/** Where a proxied request goes. */
export interface ProxyTarget {
  service: string;
  /** Socket stem: `rpc`, `admin`, `rest`, `openapi` or `web_<name>`. */
  webname: string;
  /** Path and query string sent to the backend (always starts with `/`). */
  rest: string;
  /** `/<service>/<webname>`, sent as `X-Forwarded-Prefix`. */
  prefix: string;
}

/** A path that looks like a proxy path but cannot be served. */
export interface ProxyPathError {
  status: 400 | 404;
  error: string;
}

const SERVICE = /^[a-z0-9_]{1,64}$/;
const RESERVED: ReadonlySet<string> = new Set(RESERVED_SERVICE_NAMES);
const WEBNAME = /^(rpc|admin|rest|openapi|web_[a-z0-9_]{1,64})$/;

/** Parses the raw path (with query) of a request; undefined if it has no service segment. */
export function parseProxyPath(pathAndQuery: string): ProxyTarget | ProxyPathError | undefined {
  const q = pathAndQuery.indexOf("?");
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? "" : pathAndQuery.slice(q);
  if (path.charCodeAt(0) !== 47) return undefined;
  const s1 = path.indexOf("/", 1);
  const service = s1 < 0 ? path.slice(1) : path.slice(1, s1);
  if (service === "") return undefined;
  if (!SERVICE.test(service)) {
    return { status: 404, error: `Not found: "${truncate(service)}" is not a valid service name` };
  }
  if (RESERVED.has(service)) {
    return { status: 404, error: `Not found: "${service}" is reserved by hero_router` };
  }
  const s2 = s1 < 0 ? -1 : path.indexOf("/", s1 + 1);
  const webname = s1 < 0 ? "" : s2 < 0 ? path.slice(s1 + 1) : path.slice(s1 + 1, s2);
  if (!WEBNAME.test(webname)) {
    return {
      status: 404,
      error: webname === ""
        ? `Not found: give a socket after the service, e.g. /${service}/admin/`
        : `Not found: "${
          truncate(webname)
        }" is not a socket name (rpc, admin, rest, openapi, web_<name>)`,
    };
  }
  const prefix = `/${service}/${webname}`;
  const plain = path.slice(prefix.length);
  // Nothing encoded, no dot segment, no backslash: the rest is the path as it is.
  if (!/[%\\\0]|\/\./.test(plain)) {
    const rest = (plain === "" ? "/" : plain) + query;
    return {
      service,
      webname,
      rest: rest.startsWith("//") ? rest.replace(/^\/\/+/, "/") : rest,
      prefix,
    };
  }
  const restSegments = path.split("/").slice(3);
  const resolved: string[] = [];
  for (const seg of restSegments) {
    const decoded = decodeFully(seg);
    if (decoded === undefined) {
      return { status: 400, error: "Bad request: malformed percent-encoding" };
    }
    if (decoded === ".") continue;
    if (decoded === "..") {
      if (resolved.length === 0) {
        return { status: 400, error: "Bad request: the path climbs above the service's root" };
      }
      resolved.pop();
      continue;
    }
    if (/(^|[/\\])\.\.([/\\]|$)/.test(decoded) || decoded.includes("\0")) {
      return { status: 400, error: "Bad request: encoded path traversal" };
    }
    resolved.push(seg);
  }
  const trailing = restSegments.length > 0 && restSegments.at(-1) !== "" &&
      [".", ".."].includes(decodeFully(restSegments.at(-1)!) ?? "")
    ? "/"
    : "";
  const rest = "/" + resolved.join("/") + (resolved.length ? trailing : "") + query;
  return { service, webname, rest: rest.replace(/^\/\/+/, "/"), prefix };
}

/** Percent-decodes until the text stops changing (at most 4 rounds); undefined if malformed. */
function decodeFully(text: string): string | undefined {
  let cur = text;
  for (let i = 0; i < 4 && cur.includes("%"); i++) {
    try {
      const next = decodeURIComponent(cur);
      if (next === cur) break;
      cur = next;
    } catch {
      return i === 0 ? undefined : cur;
    }
  }
  return cur;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

/** True if `value` is a {@link ProxyPathError}. */
export function isProxyPathError(value: ProxyTarget | ProxyPathError): value is ProxyPathError {
  return "error" in value;
}
