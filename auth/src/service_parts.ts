/**
 * Everything a running hero_auth is made of, built from one database: the stores, the account
 * operations, passkeys and the OIDC host. The RPC API, the admin UI and the pages share it.
 */
import type { DatabaseSync } from "node:sqlite";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { Accounts } from "./accounts/accounts.ts";
import { Passkeys } from "./accounts/passkeys.ts";
import { LoginThrottle, type ThrottleLimits } from "./accounts/throttle.ts";
import { OidcHost } from "./oidc/oidc_host.ts";
import type { ProviderDeps } from "./oidc/provider_config.ts";
import { AuditLog } from "./store/audit_log.ts";
import { GroupStore } from "./store/groups.ts";
import { GroupCommit } from "./store/group_commit.ts";
import { OidcModelStore } from "./store/oidc_adapter.ts";
import { persistentSecret, SigningKeys } from "./store/signing_keys.ts";
import { UserStore } from "./store/users.ts";

/** The parts of a running hero_auth. */
export interface AuthParts {
  issuer: string;
  db: DatabaseSync;
  users: UserStore;
  groups: GroupStore;
  audit: AuditLog;
  accounts: Accounts;
  passkeys: Passkeys;
  models: OidcModelStore;
  keys: SigningKeys;
  commit: GroupCommit;
  host: OidcHost;
}

/** Options of {@link buildAuthParts}. */
export interface AuthPartsOptions {
  issuer: string;
  throttle?: Partial<ThrottleLimits>;
  ttl?: ProviderDeps["ttl"];
  onError?: (message: string, detail: Record<string, unknown>) => void;
}

/** Builds every part over an opened database. */
export function buildAuthParts(db: DatabaseSync, opts: AuthPartsOptions): AuthParts {
  const users = new UserStore(db);
  const groups = new GroupStore(db);
  const audit = new AuditLog(db);
  const throttle = new LoginThrottle(opts.throttle);
  const accounts = new Accounts({ db, users, groups, audit, throttle });
  const url = new URL(opts.issuer);
  const passkeys = new Passkeys(db, { rpId: url.hostname, origin: url.origin });
  const models = new OidcModelStore(db);
  const keys = new SigningKeys(db);
  const commit = new GroupCommit(db);
  // The local key set is rebuilt only when the published keys change.
  let local: { from: object; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  models.jwtId = async (jwt) => {
    const published = keys.publicJwks();
    if (local?.from !== published) {
      local = { from: published, set: createLocalJWKSet(published as JSONWebKeySet) };
    }
    const jwks = local.set;
    const verified = await jwtVerify(jwt, jwks, { issuer: opts.issuer }).catch(() => undefined);
    const jti = verified?.payload.jti;
    return typeof jti === "string" ? jti : undefined;
  };
  const host = new OidcHost({
    issuer: opts.issuer,
    accounts,
    passkeys,
    users,
    groups,
    models,
    keys,
    commit,
    audit,
    cookieKeys: [persistentSecret(db, "cookie_key")],
    ttl: opts.ttl,
    onError: opts.onError,
  });
  return {
    issuer: opts.issuer,
    db,
    users,
    groups,
    audit,
    accounts,
    passkeys,
    models,
    keys,
    commit,
    host,
  };
}
