/**
 * The storage adapter of oidc-provider over SQLite: every model (sessions, grants, codes,
 * tokens, device codes, interactions, registered clients) is one row keyed by model and id,
 * with the lookup columns the provider asks for (grant id, user code, uid) and the account id,
 * so sessions and grants can be listed and revoked per user. JWT access tokens, which the
 * provider itself keeps no record of, are recorded when issued (see `recordIssued`) and found
 * by their signed value, so revoking, introspecting and ending a grant work for them too.
 * Registered clients, which the provider looks up on every token request, are also kept in
 * memory once read; every write of a client goes through this store and drops its copy.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

/** A stored model payload as oidc-provider hands it over. */
export type OidcPayload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  accountId?: string;
  consumed?: number;
};

/** The adapter interface oidc-provider calls (one instance per model name). */
export interface OidcAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** A stored row with its model, as listed by the admin API. */
export interface StoredModel {
  model: string;
  id: string;
  payload: OidcPayload;
  expires_at: number | null;
}

interface Row {
  model: string;
  id: string;
  payload: string;
  expires_at: number | null;
  consumed_at: number | null;
}

/** Prepared statements shared by the adapters of one database. */
export class OidcModelStore {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  readonly #find: StatementSync;
  readonly #byUserCode: StatementSync;
  readonly #byUid: StatementSync;
  readonly #consume: StatementSync;
  readonly #destroy: StatementSync;
  readonly #revoke: StatementSync;
  /** Client rows read so far (by client id), dropped whenever a client is written. */
  readonly #clients = new Map<string, Row>();
  /** Called with the grant id whenever a grant's tokens are revoked. */
  onRevokeGrant?: (grantId: string) => void;
  /** The `jti` of a JWT this hero_auth signed (undefined when it did not, or it is bad). */
  jwtId?: (jwt: string) => Promise<string | undefined>;

  /** Prepares the statements over an opened hero_auth database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#upsert = db.prepare(
      `INSERT OR REPLACE INTO oidc_models
       (model, id, payload, grant_id, user_code, uid, account_id, expires_at, consumed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const live = "(expires_at IS NULL OR expires_at > ?)";
    this.#find = db.prepare(`SELECT * FROM oidc_models WHERE model = ? AND id = ? AND ${live}`);
    this.#byUserCode = db.prepare(
      `SELECT * FROM oidc_models WHERE model = ? AND user_code = ? AND ${live}`,
    );
    this.#byUid = db.prepare(`SELECT * FROM oidc_models WHERE model = ? AND uid = ? AND ${live}`);
    this.#consume = db.prepare(
      "UPDATE oidc_models SET consumed_at = ? WHERE model = ? AND id = ?",
    );
    this.#destroy = db.prepare("DELETE FROM oidc_models WHERE model = ? AND id = ?");
    this.#revoke = db.prepare("DELETE FROM oidc_models WHERE grant_id = ?");
  }

  /** The adapter class oidc-provider instantiates per model name. */
  adapterClass(): new (name: string) => OidcAdapter {
    // deno-lint-ignore no-this-alias
    const store = this;
    return class SqliteAdapter implements OidcAdapter {
      readonly #model: string;
      constructor(name: string) {
        this.#model = name;
      }
      upsert(id: string, payload: OidcPayload, expiresIn?: number) {
        store.upsert(this.#model, id, payload, expiresIn);
        return Promise.resolve();
      }
      async find(id: string) {
        if (!JWT_MODELS.has(this.#model)) return store.find(this.#model, id);
        // A recorded JWT is found by its signed value (or the handle `jwtHandle` made of it),
        // never by its bare `jti`, which would otherwise work as an opaque token.
        let jti: string | undefined;
        if (id.split(".").length === 3) jti = await store.jwtId?.(id);
        else if (id.startsWith(HANDLE_PREFIX)) jti = id.slice(HANDLE_PREFIX.length);
        const found = store.find(this.#model, jti ?? id);
        return (found?.[RECORDED] === true) === (jti !== undefined) ? found : undefined;
      }
      findByUserCode(userCode: string) {
        return Promise.resolve(store.parse(store.#byUserCode.get(this.#model, userCode, nowS())));
      }
      findByUid(uid: string) {
        return Promise.resolve(store.parse(store.#byUid.get(this.#model, uid, nowS())));
      }
      consume(id: string) {
        store.#consume.run(nowS(), this.#model, id);
        return Promise.resolve();
      }
      destroy(id: string) {
        store.destroy(this.#model, id);
        return Promise.resolve();
      }
      revokeByGrantId(grantId: string) {
        store.revokeGrant(grantId);
        return Promise.resolve();
      }
    };
  }

  /** Stores a model payload. */
  upsert(model: string, id: string, payload: OidcPayload, expiresIn?: number): void {
    if (model === "Client") this.#clients.delete(id);
    this.#upsert.run(
      model,
      id,
      JSON.stringify(payload),
      payload.grantId ?? null,
      payload.userCode ?? null,
      payload.uid ?? null,
      payload.accountId ?? null,
      expiresIn ? nowS() + expiresIn : null,
      null,
    );
  }

  /**
   * Records a token the provider issued as a JWT (it stores none): the same payload an opaque
   * token would have, under its `jti`, expiring with it and revoked with its grant.
   */
  recordIssued(token: Record<string, unknown> & { kind: string; jti: string }): void {
    if (!JWT_MODELS.has(token.kind)) return;
    const keys = (token.constructor as unknown as { IN_PAYLOAD: string[] }).IN_PAYLOAD;
    const payload: OidcPayload = {};
    for (const k of keys) if (token[k] !== undefined) payload[k] = token[k];
    payload.kind = token.kind;
    payload[RECORDED] = true;
    payload.iat ??= nowS();
    // Tokens compute their lifetime (`expiration`) rather than store an `exp` before issuing.
    payload.exp ??= nowS() + Number(token.expiration);
    const ttl = Number(payload.exp) - nowS();
    if (ttl > 0) this.upsert(token.kind, token.jti, payload, ttl);
  }

  /** A live model payload, or undefined. */
  find(model: string, id: string): OidcPayload | undefined {
    if (model !== "Client") return this.parse(this.#find.get(model, id, nowS()));
    let row = this.#clients.get(id);
    if (row && row.expires_at !== null && row.expires_at <= nowS()) row = undefined;
    if (!row) {
      row = this.#find.get(model, id, nowS()) as Row | undefined;
      if (!row) return undefined;
      // Dynamic registration is open, so the copies are bounded (oldest dropped first).
      if (this.#clients.size >= MAX_CACHED_CLIENTS) {
        this.#clients.delete(this.#clients.keys().next().value!);
      }
      this.#clients.set(id, row);
    }
    // Parsed on every call: the provider gets an object of its own, as from the database.
    return this.parse(row);
  }

  /** Deletes everything issued under a grant (codes, tokens, the grant itself). */
  revokeGrant(grantId: string): void {
    this.#revoke.run(grantId);
    this.#db.prepare("DELETE FROM oidc_models WHERE model = 'Grant' AND id = ?").run(grantId);
    this.onRevokeGrant?.(grantId);
  }

  /** Deletes a model row. */
  destroy(model: string, id: string): void {
    if (model === "Client") this.#clients.delete(id);
    this.#destroy.run(model, id);
  }

  /** Live rows of a model, optionally of one account, newest expiry last. */
  list(model: string, accountId?: string): StoredModel[] {
    const rows = (accountId === undefined
      ? this.#db.prepare(
        "SELECT * FROM oidc_models WHERE model = ? AND (expires_at IS NULL OR expires_at > ?)",
      ).all(model, nowS())
      : this.#db.prepare(
        `SELECT * FROM oidc_models WHERE model = ? AND account_id = ?
         AND (expires_at IS NULL OR expires_at > ?)`,
      ).all(model, accountId, nowS())) as unknown as Row[];
    return rows.map((r) => ({
      model: r.model,
      id: r.id,
      payload: this.parse(r)!,
      expires_at: r.expires_at,
    }));
  }

  /** Removes expired rows; returns how many. */
  sweep(): number {
    const r = this.#db.prepare("DELETE FROM oidc_models WHERE expires_at <= ?").run(nowS());
    return Number(r.changes);
  }

  /** The payload of a row, with `consumed` set from its column. */
  parse(row: unknown): OidcPayload | undefined {
    if (!row) return undefined;
    const r = row as Row;
    const payload = JSON.parse(r.payload) as OidcPayload;
    if (r.consumed_at !== null) payload.consumed = r.consumed_at;
    return payload;
  }
}

/** How many client rows are kept in memory at most. */
const MAX_CACHED_CLIENTS = 1000;
/** Models the provider may issue as JWTs. */
const JWT_MODELS = new Set(["AccessToken", "ClientCredentials"]);
/** Marks a recorded JWT's payload. */
const RECORDED = "heroRecordedJwt";
/** A per-process secret: handles made by `jwtHandle` cannot be guessed from outside. */
const HANDLE_PREFIX = `jwt-${crypto.randomUUID()}:`;

/**
 * A stand-in for a verified JWT that the provider's revocation and introspection endpoints
 * accept (they refuse JWT-shaped values): it finds the JWT's record, and only in this process.
 */
export function jwtHandle(jti: string): string {
  return HANDLE_PREFIX + jti;
}

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}
