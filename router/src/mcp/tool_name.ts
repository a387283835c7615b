/**
 * MCP tool names from service and method names: `<service>_<method>` with every character
 * outside `[A-Za-z0-9_-]` replaced by `_`, at most 64 characters. A name that had to be cut, or
 * that collides with another, ends in a short hash of the original pair so it stays unique and
 * the same on every run.
 */

/** Longest tool name MCP clients accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

const HASH_LENGTH = 8;

/** The sanitised name, before uniqueness is enforced. */
export function baseToolName(service: string, method: string): string {
  const raw = `${service}_${method}`.replace(/[^A-Za-z0-9_-]/g, "_");
  if (raw.length <= MAX_TOOL_NAME_LENGTH) return raw;
  return withHash(raw, `${service}\u0000${method}`);
}

/** `name` shortened to leave room for `_<hash of key>`, and that suffix appended. */
export function withHash(name: string, key: string): string {
  const suffix = `_${fnv1a(key)}`;
  return name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length) + suffix;
}

/**
 * Assigns unique names to `(service, method)` pairs given in their stable order: the first
 * holder of a base name keeps it, later ones get a hash suffix (salted until unique).
 */
export function assignToolNames(pairs: { service: string; method: string }[]): string[] {
  const taken = new Set<string>();
  return pairs.map(({ service, method }) => {
    let name = baseToolName(service, method);
    for (let salt = 0; taken.has(name); salt++) {
      name = withHash(baseToolName(service, method), `${service}\u0000${method}\u0000${salt}`);
    }
    taken.add(name);
    return name;
  });
}

/** 32-bit FNV-1a as 8 hex digits: short, stable, and enough to separate a handful of names. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(HASH_LENGTH, "0");
}
