/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registration for a signed-in user and
 * username-less authentication with discoverable credentials. Challenges are kept in memory
 * for five minutes, keyed by the flow that asked for them, and used at most once. The library
 * is loaded on the first passkey operation (it is several MB of resident memory).
 */
import type { DatabaseSync } from "node:sqlite";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { nowIso } from "../store/database.ts";
import { authError } from "../errors.ts";

/** Where passkeys are valid: the relying-party id (a host name) and the page origin. */
export interface PasskeyOrigin {
  rpId: string;
  origin: string;
}

/** A stored passkey as listed over RPC. */
export interface PasskeyInfo {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

interface PasskeyRow extends PasskeyInfo {
  public_key: Uint8Array;
  counter: number;
  transports: string;
}

const CHALLENGE_TTL_MS = 5 * 60_000;

/** Passkey registration and authentication over the passkeys table. */
export class Passkeys {
  readonly #db: DatabaseSync;
  readonly #where: PasskeyOrigin;
  readonly #challenges = new Map<string, { challenge: string; userId?: string; at: number }>();

  /** Uses the passkeys table of an opened database. */
  constructor(db: DatabaseSync, where: PasskeyOrigin) {
    this.#db = db;
    this.#where = where;
  }

  /** Options for `navigator.credentials.create`, remembered under `flow`. */
  async registrationOptions(
    flow: string,
    user: { id: string; username: string; display_name: string },
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { generateRegistrationOptions } = await webauthn();
    const options = await generateRegistrationOptions({
      rpName: "Hero",
      rpID: this.#where.rpId,
      userName: user.username,
      userID: new TextEncoder().encode(user.id),
      userDisplayName: user.display_name || user.username,
      attestationType: "none",
      excludeCredentials: this.list(user.id).map((p) => ({ id: p.id })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    this.#remember(flow, options.challenge, user.id);
    return options;
  }

  /** Verifies a registration response and stores the passkey. */
  async register(flow: string, response: RegistrationResponseJSON, name = ""): Promise<string> {
    const pending = this.#take(flow);
    const { verifyRegistrationResponse } = await webauthn();
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: this.#where.origin,
      expectedRPID: this.#where.rpId,
      requireUserVerification: false,
    }).catch((err) => {
      throw authError("INVALID_PARAMS", `Passkey registration failed: ${err.message}`);
    });
    if (!result.verified) throw authError("INVALID_PARAMS", "Passkey registration failed");
    const cred = result.registrationInfo.credential;
    this.#db.prepare(
      `INSERT INTO passkeys (id, user_id, public_key, counter, transports, name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      cred.id,
      pending.userId!,
      cred.publicKey,
      cred.counter,
      JSON.stringify(cred.transports ?? []),
      name.slice(0, 100),
      nowIso(),
    );
    return cred.id;
  }

  /** Options for `navigator.credentials.get` (any discoverable credential). */
  async authenticationOptions(flow: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { generateAuthenticationOptions } = await webauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.#where.rpId,
      userVerification: "preferred",
    });
    this.#remember(flow, options.challenge);
    return options;
  }

  /** Verifies an assertion; returns the user id it proves, or throws. */
  async authenticate(flow: string, response: AuthenticationResponseJSON): Promise<string> {
    const pending = this.#take(flow);
    const row = this.#db.prepare("SELECT * FROM passkeys WHERE id = ?").get(response.id) as
      | PasskeyRow
      | undefined;
    if (!row) throw authError("INVALID_PARAMS", "Unknown passkey");
    const { verifyAuthenticationResponse } = await webauthn();
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: pending.challenge,
      expectedOrigin: this.#where.origin,
      expectedRPID: this.#where.rpId,
      credential: {
        id: row.id,
        publicKey: new Uint8Array(row.public_key),
        counter: row.counter,
        transports: JSON.parse(row.transports),
      },
      requireUserVerification: false,
    }).catch((err) => {
      throw authError("INVALID_PARAMS", `Passkey sign-in failed: ${err.message}`);
    });
    if (!result.verified) throw authError("INVALID_PARAMS", "Passkey sign-in failed");
    this.#db.prepare("UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?")
      .run(result.authenticationInfo.newCounter, nowIso(), row.id);
    return row.user_id;
  }

  /** The passkeys of a user. */
  list(userId: string): PasskeyInfo[] {
    return this.#db.prepare(
      "SELECT id, user_id, name, created_at, last_used_at FROM passkeys WHERE user_id = ? ORDER BY created_at",
    ).all(userId) as unknown as PasskeyInfo[];
  }

  /** Removes a passkey; returns whether it existed. */
  remove(id: string): boolean {
    return Number(this.#db.prepare("DELETE FROM passkeys WHERE id = ?").run(id).changes) > 0;
  }

  #remember(flow: string, challenge: string, userId?: string): void {
    const now = Date.now();
    for (const [k, v] of this.#challenges) {
      if (v.at < now - CHALLENGE_TTL_MS) this.#challenges.delete(k);
    }
    this.#challenges.set(flow, { challenge, userId, at: now });
  }

  #take(flow: string): { challenge: string; userId?: string } {
    const pending = this.#challenges.get(flow);
    this.#challenges.delete(flow);
    if (!pending || pending.at < Date.now() - CHALLENGE_TTL_MS) {
      throw authError("INVALID_PARAMS", "The passkey challenge expired: try again");
    }
    return pending;
  }
}

let library: Promise<typeof import("@simplewebauthn/server")> | undefined;

function webauthn(): Promise<typeof import("@simplewebauthn/server")> {
  return library ??= import("@simplewebauthn/server");
}
