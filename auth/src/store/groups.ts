/**
 * Groups, their roles and their members. A user's roles are the union of the roles of the
 * groups they belong to (the owner always has `admin`); both become the `groups` and `roles`
 * claims of ID and access tokens.
 */
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { authError } from "../errors.ts";
import { nowIso } from "./database.ts";

/** A group as shown over RPC. */
export interface Group {
  id: string;
  name: string;
  description: string;
  roles: string[];
  members: number;
  created_at: string;
  updated_at: string;
}

/** Fields of a group a caller may set. */
export interface GroupInput {
  name?: string;
  description?: string;
  roles?: string[];
}

/** A member of a group. */
export interface Member {
  user_id: string;
  username: string;
  added_at: string;
}

interface GroupRow {
  id: string;
  name: string;
  description: string;
  roles: string;
  members: number;
  created_at: string;
  updated_at: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const ROLE = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
const SELECT = `SELECT g.*, (SELECT count(*) FROM memberships m WHERE m.group_id = g.id) AS members
  FROM groups g`;

/** Groups and memberships in one SQLite database. */
export class GroupStore {
  readonly #db: DatabaseSync;

  /** Uses the tables of an opened hero_auth database. */
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Creates a group; its name must be new. */
  create(input: GroupInput & { name: string }): Group {
    checkInput(input);
    if (this.findByName(input.name)) {
      throw authError("CONFLICT", `Group "${input.name}" already exists`);
    }
    const id = randomUUID();
    const now = nowIso();
    this.#db.prepare(
      "INSERT INTO groups (id, name, description, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(id, input.name, input.description ?? "", JSON.stringify(input.roles ?? []), now, now);
    return this.get(id);
  }

  /** Changes a group's name, description or roles. */
  update(id: string, patch: GroupInput): Group {
    checkInput(patch);
    const row = this.#mustRow(id);
    if (patch.name !== undefined) {
      const other = this.findByName(patch.name);
      if (other && other.id !== id) {
        throw authError("CONFLICT", `Group "${patch.name}" already exists`);
      }
    }
    this.#db.prepare(
      "UPDATE groups SET name = ?, description = ?, roles = ?, updated_at = ? WHERE id = ?",
    ).run(
      patch.name ?? row.name,
      patch.description ?? row.description,
      patch.roles ? JSON.stringify(patch.roles) : row.roles,
      nowIso(),
      id,
    );
    return this.get(id);
  }

  /** Deletes a group and its memberships. */
  delete(id: string): void {
    this.#mustRow(id);
    this.#db.prepare("DELETE FROM groups WHERE id = ?").run(id);
  }

  /** One group, or NOT_FOUND. */
  get(id: string): Group {
    return toGroup(this.#mustRow(id));
  }

  /** A group by name (any case), or undefined. */
  findByName(name: string): Group | undefined {
    const row = this.#db.prepare(`${SELECT} WHERE g.name = ?`).get(name) as GroupRow | undefined;
    return row && toGroup(row);
  }

  /** Every group, by name. */
  list(): Group[] {
    return (this.#db.prepare(`${SELECT} ORDER BY g.name`).all() as unknown as GroupRow[])
      .map(toGroup);
  }

  /** Adds a user to a group; adding an existing member changes nothing. */
  addMember(groupId: string, userId: string): void {
    this.#mustRow(groupId);
    if (!this.#db.prepare("SELECT 1 FROM users WHERE id = ?").get(userId)) {
      throw authError("NOT_FOUND", `User ${userId} not found`, { id: userId });
    }
    this.#db.prepare(
      "INSERT OR IGNORE INTO memberships (group_id, user_id, added_at) VALUES (?, ?, ?)",
    ).run(groupId, userId, nowIso());
  }

  /** Removes a user from a group; returns whether they were a member. */
  removeMember(groupId: string, userId: string): boolean {
    this.#mustRow(groupId);
    const r = this.#db.prepare("DELETE FROM memberships WHERE group_id = ? AND user_id = ?")
      .run(groupId, userId);
    return Number(r.changes) > 0;
  }

  /** The members of a group, by username. */
  members(groupId: string): Member[] {
    this.#mustRow(groupId);
    return this.#db.prepare(
      `SELECT m.user_id, u.username, m.added_at FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.group_id = ? ORDER BY u.username`,
    ).all(groupId) as unknown as Member[];
  }

  /** The groups a user belongs to. */
  groupsOf(userId: string): Group[] {
    return (this.#db.prepare(
      `${SELECT} JOIN memberships m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name`,
    ).all(userId) as unknown as GroupRow[]).map(toGroup);
  }

  /** Group names and roles of a user, as claims. */
  claimsOf(userId: string, isOwner: boolean): { groups: string[]; roles: string[] } {
    const groups = this.groupsOf(userId);
    const roles = new Set(groups.flatMap((g) => g.roles));
    if (isOwner) roles.add("admin");
    return { groups: groups.map((g) => g.name), roles: [...roles].sort() };
  }

  #mustRow(id: string): GroupRow {
    const row = this.#db.prepare(`${SELECT} WHERE g.id = ?`).get(id) as GroupRow | undefined;
    if (!row) throw authError("NOT_FOUND", `Group ${id} not found`, { id });
    return row;
  }
}

function checkInput(input: GroupInput): void {
  if (input.name !== undefined && !NAME.test(input.name)) {
    throw authError(
      "INVALID_PARAMS",
      `Invalid group name "${input.name}": use 1-64 letters, digits, ".", "_" or "-"`,
    );
  }
  for (const role of input.roles ?? []) {
    if (!ROLE.test(role)) {
      throw authError(
        "INVALID_PARAMS",
        `Invalid role "${role}": use 1-64 lower-case letters, digits, ".", "_", ":" or "-"`,
      );
    }
  }
  if (input.description !== undefined && input.description.length > 1000) {
    throw authError("INVALID_PARAMS", "Description is longer than 1000 characters");
  }
}

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    roles: JSON.parse(row.roles),
    members: row.members,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
