/**
 * The account operations behind the login pages, the admin UI and the RPC API: password and
 * TOTP checks with throttling and audit records, enrolment, one-time setup links and the claims
 * a user's tokens carry.
 */
import crypto from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { authError } from "../errors.ts";
import type { AuditEntry, AuditLog } from "../store/audit_log.ts";
import type { GroupStore } from "../store/groups.ts";
import { type User, type UserRow, type UserStore } from "../store/users.ts";
import { DUMMY_HASH_PROMISE, hashPassword, passwordProblem, verifyPassword } from "./password.ts";
import type { LoginThrottle } from "./throttle.ts";
import { matchTotp, newTotpSecret, totpUri } from "./totp.ts";

/** Outcome of a password check. */
export type PasswordOutcome =
  | { ok: true; user: UserRow; needsTotp: boolean }
  | { ok: false; reason: "invalid" | "throttled"; retryAfter?: number };

/** The claims of a user's tokens. */
export interface AccountClaims {
  sub: string;
  preferred_username: string;
  name: string;
  email?: string;
  email_verified?: boolean;
  groups: string[];
  roles: string[];
  updated_at: number;
}

/** The parts Accounts works with. */
export interface AccountParts {
  db: DatabaseSync;
  users: UserStore;
  groups: GroupStore;
  audit: AuditLog;
  throttle: LoginThrottle;
}

/** Account operations. */
export class Accounts {
  readonly #p: AccountParts;

  /** Works on the given stores. */
  constructor(parts: AccountParts) {
    this.#p = parts;
  }

  /** Checks a username and password, counting failures per account and IP. */
  async checkPassword(username: string, password: string, ip: string): Promise<PasswordOutcome> {
    const { users, throttle, audit } = this.#p;
    const retryAfter = throttle.retryAfter(username, ip);
    if (retryAfter > 0) {
      audit.append({ event: "login.throttled", subject: username, ip, ok: false });
      return { ok: false, reason: "throttled", retryAfter };
    }
    const row = users.findByName(username);
    const hash = row?.password_hash ?? await DUMMY_HASH_PROMISE;
    const matches = await verifyPassword(password.slice(0, 1024), hash);
    if (!row || !matches || row.disabled || !row.password_hash) {
      throttle.fail(username, ip);
      audit.append({
        event: "login.failed",
        subject: row?.id ?? username,
        ip,
        ok: false,
        detail: { method: "password", reason: row?.disabled ? "disabled" : "bad credentials" },
      });
      return { ok: false, reason: "invalid" };
    }
    return { ok: true, user: row, needsTotp: row.totp_enabled === 1 };
  }

  /** Checks a TOTP code of a user who passed the password step; a code works once. */
  checkTotp(userId: string, code: string, ip: string): boolean {
    const { users, throttle, audit } = this.#p;
    const row = users.mustRow(userId);
    if (throttle.retryAfter(row.username, ip) > 0 || !row.totp_secret) return false;
    const step = matchTotp(row.totp_secret, code.trim(), { lastStep: row.totp_last_step });
    if (step === undefined) {
      throttle.fail(row.username, ip);
      audit.append({
        event: "login.failed",
        subject: userId,
        ip,
        ok: false,
        detail: { method: "totp" },
      });
      return false;
    }
    users.setTotpLastStep(userId, step);
    return true;
  }

  /** Counts a failed login that named no account (a refused passkey) against the IP. */
  loginFailed(ip: string, method: string): void {
    this.#p.throttle.fail("", ip);
    this.#p.audit.append({ event: "login.failed", ip, ok: false, detail: { method } });
  }

  /** Appends an audit record. */
  audit(entry: AuditEntry): void {
    this.#p.audit.append(entry);
  }

  /** Records a completed login. */
  loggedIn(user: UserRow, ip: string, amr: string[]): void {
    this.#p.throttle.succeed(user.username);
    this.#p.audit.append({ event: "login.succeeded", subject: user.id, ip, detail: { amr } });
  }

  /** Sets a user's password after checking its length. */
  async setPassword(userId: string, password: string, actor: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw authError("INVALID_PARAMS", problem);
    this.#p.users.mustRow(userId);
    this.#p.users.setPasswordHash(userId, await hashPassword(password));
    this.#p.audit.append({ event: "user.password_set", actor, subject: userId });
  }

  /** Starts TOTP enrolment: a new secret, not yet enabled. */
  beginTotp(userId: string): { secret: string; uri: string } {
    const row = this.#p.users.mustRow(userId);
    const secret = newTotpSecret();
    this.#p.users.setTotp(userId, secret, false);
    return { secret, uri: totpUri(secret, row.username) };
  }

  /** Confirms TOTP enrolment with a first code; enables it when the code matches. */
  confirmTotp(userId: string, code: string, actor: string): boolean {
    const row = this.#p.users.mustRow(userId);
    if (!row.totp_secret) throw authError("INVALID_PARAMS", "TOTP enrolment was not started");
    const step = matchTotp(row.totp_secret, code.trim());
    if (step === undefined) return false;
    this.#p.users.setTotp(userId, row.totp_secret, true);
    this.#p.users.setTotpLastStep(userId, step);
    this.#p.audit.append({ event: "user.totp_enabled", actor, subject: userId });
    return true;
  }

  /** Turns TOTP off for a user. */
  resetTotp(userId: string, actor: string): User {
    this.#p.users.setTotp(userId, null, false);
    this.#p.audit.append({ event: "user.totp_reset", actor, subject: userId });
    return this.#p.users.get(userId);
  }

  /** Creates a one-time setup link token for a user (valid `ttlMs`). */
  createSetupToken(userId: string, actor: string, ttlMs = 24 * 3600_000): string {
    this.#p.users.mustRow(userId);
    const token = crypto.randomBytes(24).toString("base64url");
    this.#p.db.prepare("INSERT INTO setup_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
      .run(sha256(token), userId, Date.now() + ttlMs);
    this.#p.audit.append({ event: "user.setup_link", actor, subject: userId });
    return token;
  }

  /** The user of an unused, unexpired setup token, or undefined. */
  setupTokenUser(token: string): UserRow | undefined {
    const row = this.#p.db.prepare(
      "SELECT user_id FROM setup_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    ).get(sha256(token), Date.now()) as { user_id: string } | undefined;
    return row && this.#p.users.row(row.user_id);
  }

  /** Marks a setup token used; false when it was not valid any more. */
  useSetupToken(token: string): boolean {
    const r = this.#p.db.prepare(
      "UPDATE setup_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    ).run(Date.now(), sha256(token), Date.now());
    return Number(r.changes) === 1;
  }

  /** The claims of a user's tokens, or undefined for a missing or disabled user. */
  claims(userId: string): AccountClaims | undefined {
    const row = this.#p.users.row(userId);
    if (!row || row.disabled) return undefined;
    const { groups, roles } = this.#p.groups.claimsOf(row.id, row.is_owner === 1);
    return {
      sub: row.id,
      preferred_username: row.username,
      name: row.display_name || row.username,
      ...(row.email ? { email: row.email, email_verified: false } : {}),
      groups,
      roles,
      updated_at: Math.floor(Date.parse(row.updated_at) / 1000),
    };
  }
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("base64url");
}
