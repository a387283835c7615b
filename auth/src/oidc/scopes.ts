/**
 * Which resource scopes a user may be granted: `hero:admin` needs the `admin` role,
 * `hero:read` the `read` or `admin` role. Other scopes pass through unchanged.
 */

/** The subset of `requested` that `roles` allow. */
export function scopesForRoles(roles: string[], requested: string[]): string[] {
  const admin = roles.includes("admin");
  const read = admin || roles.includes("read");
  return requested.filter((s) => {
    if (s === "hero:admin") return admin;
    if (s === "hero:read") return read;
    return s !== "";
  });
}
