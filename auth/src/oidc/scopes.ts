/**
 * Roles to Hero scopes. A group's roles say what its members may do: `admin` (everything),
 * `read` (read everything), `<service>:read` and `<service>:write` (one service). The same
 * rule decides which scopes a token may carry and which scopes the router's gate grants a
 * signed-in user, so a role removed is a permission removed everywhere.
 */

/** The scope that allows everything. */
export const ADMIN_SCOPE = "hero:admin";
/** The scope that allows reading everything. */
export const READ_SCOPE = "hero:read";

const SERVICE_SCOPE = /^hero:([a-z0-9_]+):(read|write)$/;
const SERVICE_ROLE = /^([a-z0-9_]+):(read|write)$/;

/** Whether a scope is a per-service scope (`hero:<service>:read|write`). */
export function isServiceScope(scope: string): boolean {
  return SERVICE_SCOPE.test(scope);
}

/** Whether a scope is one of Hero's resource scopes (`hero:admin`, `hero:read`, per service). */
export function isHeroScope(scope: string): boolean {
  return scope === ADMIN_SCOPE || scope === READ_SCOPE || SERVICE_SCOPE.test(scope);
}

/** The Hero scopes a set of roles amounts to (what a signed-in browser session may do). */
export function heroScopesForRoles(roles: readonly string[]): string[] {
  const out = new Set<string>();
  for (const role of roles) {
    if (role === "admin") out.add(ADMIN_SCOPE);
    else if (role === "read") out.add(READ_SCOPE);
    else {
      const m = SERVICE_ROLE.exec(role);
      if (m) out.add(`hero:${m[1]}:${m[2]}`);
    }
  }
  return [...out].sort();
}

/** Whether roles allow a scope: Hero scopes need a role that covers them, others pass. */
function allows(roles: readonly string[], scope: string): boolean {
  if (scope === "") return false;
  if (!isHeroScope(scope)) return true;
  const admin = roles.includes("admin");
  if (scope === ADMIN_SCOPE) return admin;
  if (scope === READ_SCOPE) return admin || roles.includes("read");
  const [, service, access] = SERVICE_SCOPE.exec(scope)!;
  if (admin || roles.includes(`${service}:write`)) return true;
  return access === "read" && (roles.includes("read") || roles.includes(`${service}:read`));
}

/** The subset of `requested` that `roles` allow. */
export function scopesForRoles(roles: readonly string[], requested: string[]): string[] {
  return requested.filter((s) => allows(roles, s));
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

/**
 * The Hero scopes a token may still use: what it was granted, cut down to what the user's
 * current roles allow (a client-credentials token, without a user, keeps what it was granted).
 */
export function effectiveTokenScopes(
  granted: readonly string[],
  roles: readonly string[] | undefined,
): string[] {
  const hero = granted.filter(isHeroScope);
  return roles === undefined ? hero : hero.filter((s) => allows(roles, s));
}
