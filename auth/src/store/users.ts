/**
 * Users: username, profile, argon2id password hash, TOTP state and flags, persisted in SQLite.
 * Usernames are unique without regard to case; the owner account can be neither disabled nor
 * deleted.
 */
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { authError } from "../errors.ts";
import { nowIso } from "./database.ts";

/** A user as shown over RPC and in the admin UI (no secrets). */
export interface User {
  id: string;
  username: string;
  display_name: string;
  email: string;
  has_password: boolean;
  totp_enabled: boolean;
  passkeys: number;
  disabled: boolean;
  is_owner: boolean;
  created_at: string;
  updated_at: string;
}

/** The stored row, secrets included. */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step: number;
  disabled: number;
  is_owner: number;
  created_at: string;
  updated_at: string;
  passkeys?: number;
}

/** Fields a caller may set when creating or updating a user. */
export interface UserInput {
  username?: string;
  display_name?: string;
  email?: string;
  disabled?: boolean;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const SELECT = `SELECT u.*, (SELECT count(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys
  FROM users u`;

/** Users in one SQLite database. */
export class UserStore {
  readonly #db: DatabaseSync;

  /** Uses the tables of an opened hero_auth database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Creates a user; `username` must be new. */
  create(input: UserInput & { username: string; is_owner?: boolean }): User {
    checkInput(input);
    if (this.findByName(input.username)) {
      throw authError("CONFLICT", `User "${input.username}" already exists`);
    }
    const now = nowIso();
    const id = randomUUID();
    this.#db.prepare(
      `INSERT INTO users (id, username, display_name, email, disabled, is_owner, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.username,
      input.display_name ?? "",
      input.email ?? "",
      input.disabled ? 1 : 0,
      input.is_owner ? 1 : 0,
      now,
      now,
    );
    return this.get(id);
  }

  /** Changes profile fields or the disabled flag. */
  update(id: string, patch: UserInput): User {
    checkInput(patch);
    const row = this.mustRow(id);
    if (patch.disabled && row.is_owner) {
      throw authError("FORBIDDEN", "The owner account cannot be disabled");
    }
    if (patch.username !== undefined) {
      const other = this.findByName(patch.username);
      if (other && other.id !== id) {
        throw authError("CONFLICT", `User "${patch.username}" already exists`);
      }
    }
    this.#db.prepare(
      `UPDATE users SET username = ?, display_name = ?, email = ?, disabled = ?, updated_at = ?
       WHERE id = ?`,
    ).run(
      patch.username ?? row.username,
      patch.display_name ?? row.display_name,
      patch.email ?? row.email,
      patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
      nowIso(),
      id,
    );
    return this.get(id);
  }

  /** Deletes a user with memberships and passkeys. */
  delete(id: string): void {
    const row = this.mustRow(id);
    if (row.is_owner) throw authError("FORBIDDEN", "The owner account cannot be deleted");
    this.#db.prepare("DELETE FROM users WHERE id = ?").run(id);
  }

  /** One user, or a NOT_FOUND error. */
  get(id: string): User {
    return toUser(this.mustRow(id));
  }

  /** The row with secrets, or a NOT_FOUND error. */
  mustRow(id: string): UserRow {
    const row = this.row(id);
    if (!row) throw authError("NOT_FOUND", `User ${id} not found`, { id });
    return row;
  }

  /** The row with secrets, or undefined. */
  row(id: string): UserRow | undefined {
    return this.#db.prepare(`${SELECT} WHERE u.id = ?`).get(id) as UserRow | undefined;
  }

  /** The row of a username (any case), or undefined. */
  findByName(username: string): UserRow | undefined {
    return this.#db.prepare(`${SELECT} WHERE u.username = ?`).get(username) as
      | UserRow
      | undefined;
  }

  /** Users ordered by username, optionally filtered by a substring of name or email. */
  list(opts: { query?: string; limit?: number; offset?: number } = {}): User[] {
    const like = `%${(opts.query ?? "").replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const rows = this.#db.prepare(
      `${SELECT} WHERE u.username LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\'
       OR u.display_name LIKE ? ESCAPE '\\' ORDER BY u.username LIMIT ? OFFSET ?`,
    ).all(like, like, like, opts.limit ?? 100, opts.offset ?? 0) as unknown as UserRow[];
    return rows.map(toUser);
  }

  /** Number of users. */
  count(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  }

  /** The owner account, if one was created. */
  owner(): UserRow | undefined {
    return this.#db.prepare(`${SELECT} WHERE u.is_owner = 1 LIMIT 1`).get() as
      | UserRow
      | undefined;
  }

  /** Stores a new password hash. */
  setPasswordHash(id: string, hash: string | null): void {
    this.mustRow(id);
    this.#db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
      .run(hash, nowIso(), id);
  }

  /** Stores the TOTP secret and whether it is confirmed (enabled). */
  setTotp(id: string, secret: string | null, enabled: boolean): void {
    this.mustRow(id);
    this.#db.prepare(
      "UPDATE users SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0, updated_at = ? WHERE id = ?",
    ).run(secret, enabled ? 1 : 0, nowIso(), id);
  }

  /** Records the last TOTP time step used, so that a code cannot be replayed. */
  setTotpLastStep(id: string, step: number): void {
    this.#db.prepare("UPDATE users SET totp_last_step = ? WHERE id = ?").run(step, id);
  }
}

function checkInput(input: UserInput): void {
  if (input.username !== undefined && !USERNAME.test(input.username)) {
    throw authError(
      "INVALID_PARAMS",
      `Invalid username "${input.username}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (input.email !== undefined && input.email !== "" && !EMAIL.test(input.email)) {
    throw authError("INVALID_PARAMS", `Invalid email address "${input.email}"`);
  }
  if (input.display_name !== undefined && input.display_name.length > 200) {
    throw authError("INVALID_PARAMS", "Display name is longer than 200 characters");
  }
}

/** The public view of a row. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    display_name: row.display_name,
    email: row.email,
    has_password: row.password_hash !== null,
    totp_enabled: row.totp_enabled === 1,
    passkeys: row.passkeys ?? 0,
    disabled: row.disabled === 1,
    is_owner: row.is_owner === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
