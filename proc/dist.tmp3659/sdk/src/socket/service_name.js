/**
 * Service names: the directory name under the socket root and the first path segment in the
 * router. They must be `[a-z0-9_]+` and must not collide with the router's own routes.
 */
import { HeroError } from "../errors/hero_error.js";

/** First path segments the router keeps for itself; no service may use them as its name. */
export const RESERVED_SERVICE_NAMES                    = Object.freeze([
  "home",
  "router",
  "admin",
  "terminal",
  "docs",
  "api",
  "health",
  "favicon.svg",
  "fragments",
  "service",
  "download",
  "css",
  "js",
  "fonts",
  "mcp",
  "router-logs",
  "agent",
  "openrpc.json",
  "rpc",
]);

const NAME_PATTERN = /^[a-z0-9_]+$/;
const MAX_NAME_LENGTH = 64;

/** Returns a sentence explaining why `name` is not a valid service name, or undefined if valid. */
export function serviceNameProblem(name         )                     {
  if (typeof name !== "string" || name.length === 0) {
    return "a service name must be a non-empty string";
  }
  if (name.length > MAX_NAME_LENGTH) {
    return `a service name has at most ${MAX_NAME_LENGTH} characters`;
  }
  if (!NAME_PATTERN.test(name)) return "a service name may only contain a-z, 0-9 and _";
  if (RESERVED_SERVICE_NAMES.includes(name)) return `"${name}" is reserved by hero_router`;
  return undefined;
}

/** Throws `INVALID_SERVICE_NAME` unless `name` is a valid service name. */
export function validateServiceName(name        )         {
  const problem = serviceNameProblem(name);
  if (problem) {
    throw new HeroError("INVALID_SERVICE_NAME", `Invalid service name "${name}": ${problem}`, {
      details: { name },
    });
  }
  return name;
}
