/**
 * The router as an OAuth protected resource (RFC 9728, as the MCP authorization spec asks):
 * where its metadata lives, what it says (the resource, hero_auth as authorization server, the
 * scopes), and the `WWW-Authenticate` challenge that points a client there. `/mcp` and
 * `/mcp/<service>` are resources of their own, so an MCP client's token is bound to the
 * endpoint it asked for; everything else is the router's root resource.
 */

/** Where protected-resource metadata is served (RFC 9728 §3). */
export const PRM_PATH = "/.well-known/oauth-protected-resource";

/** The resource (RFC 8707 indicator) a request path belongs to, on `origin`. */
export function resourceOf(origin: string, path: string): string {
  const m = /^\/mcp(\/[a-z0-9_]+)?\/?$/.exec(path);
  return m ? `${origin}/mcp${m[1] ?? ""}` : `${origin}/`;
}

/** The metadata URL of the resource a request path belongs to. */
export function metadataUrlOf(origin: string, path: string): string {
  const resource = new URL(resourceOf(origin, path));
  return `${origin}${PRM_PATH}${resource.pathname === "/" ? "" : resource.pathname}`;
}

/** The `WWW-Authenticate` value of a 401 (RFC 6750, with RFC 9728's `resource_metadata`). */
export function bearerChallenge(
  opts: { origin: string; path: string; withMetadata: boolean; invalidToken: boolean },
): string {
  const parts = ['Bearer realm="hero"'];
  if (opts.withMetadata) parts.push(`resource_metadata="${metadataUrlOf(opts.origin, opts.path)}"`);
  if (opts.invalidToken) parts.push('error="invalid_token"');
  return parts.join(", ");
}

/**
 * The metadata document of `GET /.well-known/oauth-protected-resource[/mcp[/<service>]]`:
 * the scopes are `hero:read`, `hero:admin` and read/write per service (the ones the resource
 * covers), of which hero_auth grants only what the user's roles allow.
 */
export function protectedResourceMetadata(
  opts: { origin: string; path: string; issuer: string; services: string[] },
): Record<string, unknown> | undefined {
  const rest = opts.path.slice(PRM_PATH.length) || "/";
  const resource = resourceOf(opts.origin, rest);
  if (rest !== "/" && new URL(resource).pathname !== rest) return undefined;
  const one = /^\/mcp\/([a-z0-9_]+)$/.exec(rest)?.[1];
  const services = one ? [one] : opts.services;
  return {
    resource,
    authorization_servers: [opts.issuer],
    scopes_supported: [
      "hero:read",
      "hero:admin",
      ...services.flatMap((s) => [`hero:${s}:read`, `hero:${s}:write`]),
    ],
    bearer_methods_supported: ["header"],
    resource_name: one ? `Hero MCP tools of ${one}` : rest === "/mcp" ? "Hero MCP tools" : "Hero",
  };
}
