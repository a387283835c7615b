/**
 * The provider's signing keys (RS256 for the spec's default ID-token algorithm, EdDSA (Ed25519)
 * for access tokens, ES256 for clients that ask for it), persisted so tokens stay valid across
 * restarts. Ed25519 signs in about half the CPU time of ES256 (bench/auth.ts). Rotation adds a new pair that signs
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

/** The keys published at a time, with and without their private parts. */
interface PublishedKeys {
  at: number;
  keys: PrivateJwk[];
  public: { keys: crypto.JsonWebKey[] };
}

/** How long retired keys stay published (ms): longer than any token they signed lives. */
export const RETIRED_KEY_GRACE_MS = 24 * 3600_000;

/** Signing keys in the hero_auth database. */
export class SigningKeys {
  readonly #db: DatabaseSync;
  /** The published keys, read once per rotation (they are asked for on every token check). */
  #published?: PublishedKeys;

  /** Uses the table of an opened database; creates the first pair when there is none. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    const active = this.#rows().filter((r) => r.retired_at === null);
    if (!active.length) this.#addPair();
    // A database from before access tokens were signed with Ed25519 gets its key now.
    else if (!active.some((r) => JSON.parse(r.jwk).alg === "EdDSA")) this.#add(ed25519(), "EdDSA");
  }

  /** The keys to publish, active ones first (oidc-provider signs with the first of an alg). */
  jwks(): PrivateJwk[] {
    return this.#current().keys;
  }

  /** The published keys without their private parts (the same object until keys change). */
  publicJwks(): { keys: crypto.JsonWebKey[] } {
    return this.#current().public;
  }

  /** The published set, re-read after a rotation and once a minute (retired keys drop out). */
  #current(): PublishedKeys {
    const now = Date.now();
    if (this.#published && now - this.#published.at < 60_000) return this.#published;
    const cutoff = now - RETIRED_KEY_GRACE_MS;
    const keys: PrivateJwk[] = this.#rows()
      .filter((r) => r.retired_at === null || Date.parse(r.retired_at) > cutoff)
      .sort((a, b) => (a.retired_at === null ? 0 : 1) - (b.retired_at === null ? 0 : 1))
      .map((r) => JSON.parse(r.jwk));
    const pub = keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest }) => rest);
    this.#published = { at: now, keys, public: { keys: pub } };
    return this.#published;
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
    this.#published = undefined;
    return this.#addPair();
  }

  #rows(): KeyRow[] {
    return this.#db.prepare("SELECT * FROM signing_keys ORDER BY created_at DESC")
      .all() as unknown as KeyRow[];
  }

  #addPair(): string[] {
    const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    return [this.#add(rsa, "RS256"), this.#add(ec, "ES256"), this.#add(ed25519(), "EdDSA")];
  }

  #add(key: crypto.KeyObject, alg: string): string {
    const kid = crypto.randomBytes(9).toString("base64url");
    const jwk = { ...key.export({ format: "jwk" }), kid, alg, use: "sig" };
    this.#db.prepare("INSERT INTO signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)")
      .run(kid, JSON.stringify(jwk), nowIso());
    this.#published = undefined;
    return kid;
  }
}

function ed25519(): crypto.KeyObject {
  return crypto.generateKeyPairSync("ed25519").privateKey;
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
