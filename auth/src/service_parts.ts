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
export function buildAuthParts(db: DatabaseSync, o: AuthPartsOptions): AuthParts {
  const users = new UserStore(db);
  const groups = new GroupStore(db);
  const audit = new AuditLog(db);
  const throttle = new LoginThrottle(o.throttle);
  const accounts = new Accounts({ db, users, groups, audit, throttle });
  const url = new URL(o.issuer);
  const passkeys = new Passkeys(db, { rpId: url.hostname, origin: url.origin });
  const models = new OidcModelStore(db);
  const keys = new SigningKeys(db);
  models.jwtId = async (jwt) => {
    const jwks = createLocalJWKSet(keys.publicJwks() as JSONWebKeySet);
    const verified = await jwtVerify(jwt, jwks, { issuer: o.issuer }).catch(() => undefined);
    const jti = verified?.payload.jti;
    return typeof jti === "string" ? jti : undefined;
  };
  const host = new OidcHost({
    issuer: o.issuer,
    accounts,
    passkeys,
    users,
    groups,
    models,
    keys,
    audit,
    cookieKeys: [persistentSecret(db, "cookie_key")],
    ttl: o.ttl,
    onError: o.onError,
  });
  return { issuer: o.issuer, db, users, groups, audit, accounts, passkeys, models, keys, host };
}
