/**
 * Service names: the directory name under the socket root and the first path segment in the
 * router. They must be `[a-z0-9_]+` and must not collide with the router's own routes.
 */
import { HeroError } from "../errors/hero_error.ts";

/**
 * First path segments the router keeps for itself; no service may use them as its name.
 *
 * @example
 * ```ts
 * import { RESERVED_SERVICE_NAMES } from "@hero/sdk";
 * RESERVED_SERVICE_NAMES.includes("mcp"); // true: the router serves /mcp itself
 * ```
 */
export const RESERVED_SERVICE_NAMES: readonly string[] = Object.freeze([
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

/**
 * Returns a sentence explaining why `name` is not a valid service name, or undefined if valid.
 *
 * @example
 * ```ts
 * import { serviceNameProblem } from "@hero/sdk";
 * serviceNameProblem("notes"); // undefined
 * serviceNameProblem("My Notes"); // a sentence saying which characters are allowed
 * ```
 */
export function serviceNameProblem(name: unknown): string | undefined {
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

/**
 * Throws `INVALID_SERVICE_NAME` unless `name` is a valid service name.
 *
 * @example
 * ```ts
 * import { validateServiceName } from "@hero/sdk";
 * const name = validateServiceName("notes"); // throws INVALID_SERVICE_NAME for "My Notes"
 * ```
 */
export function validateServiceName(name: string): string {
  const problem = serviceNameProblem(name);
  if (problem) {
    throw new HeroError("INVALID_SERVICE_NAME", `Invalid service name "${name}": ${problem}`, {
      details: { name },
    });
  }
  return name;
}
