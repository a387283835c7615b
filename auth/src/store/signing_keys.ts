/**
 * The provider's signing keys (RS256 for the spec's default ID-token algorithm, ES256 for access
 * tokens), persisted so tokens stay valid across restarts. Rotation adds a new pair that signs
 * from then on; retired keys stay in the JWKS for a grace period so tokens already issued still
 * verify, then drop out.
 */
import crypto from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { nowIso } from "./database.ts";

/** A private JWK with its id and algorithm. */
export type PrivateJwk = crypto.JsonWebKey & { kid: string; alg: string; use: string };

/** Summary of a key as listed over RPC (no private parts). */
export interface KeyInfo {
  kid: string;
  alg: string;
  created_at: string;
  retired_at: string | null;
}

interface KeyRow {
  kid: string;
  jwk: string;
  created_at: string;
  retired_at: string | null;
}

/** How long retired keys stay published (ms): longer than any token they signed lives. */
export const RETIRED_KEY_GRACE_MS = 24 * 3600_000;

/** Signing keys in the hero_auth database. */
export class SigningKeys {
  readonly #db: DatabaseSync;

  /** Uses the table of an opened database; creates the first pair when there is none. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    if (!this.#rows().some((r) => r.retired_at === null)) this.#addPair();
  }

  /** The keys to publish, active ones first (oidc-provider signs with the first of an alg). */
  jwks(): PrivateJwk[] {
    const cutoff = Date.now() - RETIRED_KEY_GRACE_MS;
    return this.#rows()
      .filter((r) => r.retired_at === null || Date.parse(r.retired_at) > cutoff)
      .sort((a, b) => (a.retired_at === null ? 0 : 1) - (b.retired_at === null ? 0 : 1))
      .map((r) => JSON.parse(r.jwk));
  }

  /** The published keys without their private parts. */
  publicJwks(): { keys: crypto.JsonWebKey[] } {
    return {
      keys: this.jwks().map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub),
    };
  }

  /** Every key with its state. */
  list(): KeyInfo[] {
    return this.#rows().map((r) => ({
      kid: r.kid,
      alg: JSON.parse(r.jwk).alg,
      created_at: r.created_at,
      retired_at: r.retired_at,
    }));
  }

  /** Retires the active keys and creates a new pair; returns the new key ids. */
  rotate(): string[] {
    this.#db.prepare("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL")
      .run(nowIso());
    return this.#addPair();
  }

  #rows(): KeyRow[] {
    return this.#db.prepare("SELECT * FROM signing_keys ORDER BY created_at DESC")
      .all() as unknown as KeyRow[];
  }

  #addPair(): string[] {
    const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const kids: string[] = [];
    for (const [key, alg] of [[rsa, "RS256"], [ec, "ES256"]] as const) {
      const kid = crypto.randomBytes(9).toString("base64url");
      const jwk = { ...key.export({ format: "jwk" }), kid, alg, use: "sig" };
      this.#db.prepare("INSERT INTO signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)")
        .run(kid, JSON.stringify(jwk), nowIso());
      kids.push(kid);
    }
    return kids;
  }
}

/** A persistent random secret from the settings table (created on first use). */
export function persistentSecret(db: DatabaseSync, key: string): string {
  const row = db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as
    | { value: string }
    | undefined;
  if (row) return row.value;
  const value = crypto.randomBytes(32).toString("base64url");
  db.prepare("INSERT INTO settings (key, value) VALUES (?, ?)").run(key, value);
  return value;
}
