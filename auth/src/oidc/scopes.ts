/**
 * Which scopes a user may be granted: `hero:admin` needs the `admin` role,
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

/** The parts of a grant oidc-provider's `Grant` offers for scopes. */
export interface ScopeGrant {
  addOIDCScope(scope: string): void;
  rejectOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  rejectResourceScope(resource: string, scope: string): void;
}

/**
 * Grants the requested scopes the roles allow and rejects the others, so the provider neither
 * issues them nor asks for consent again.
 */
export function grantWithinRoles(
  grant: ScopeGrant,
  roles: string[],
  requested: { oidc: string[]; resources: Record<string, string[]> },
): void {
  const split = (scopes: string[]) => {
    const allowed = scopesForRoles(roles, scopes);
    return [allowed.join(" "), scopes.filter((s) => !allowed.includes(s)).join(" ")];
  };
  const [oidcOk, oidcNo] = split(requested.oidc);
  if (oidcOk) grant.addOIDCScope(oidcOk);
  if (oidcNo) grant.rejectOIDCScope(oidcNo);
  for (const [resource, scopes] of Object.entries(requested.resources)) {
    const [ok, no] = split(scopes);
    if (ok) grant.addResourceScope(resource, ok);
    if (no) grant.rejectResourceScope(resource, no);
  }
}
