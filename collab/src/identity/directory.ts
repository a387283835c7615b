/**
 * The directory: hero_collab's mirror of hero_auth's users, groups and memberships, so that
 * permission checks, mentions and autocomplete are local reads. hero_auth stays the truth: the
 * mirror is refreshed from its API periodically and right after hero_collab changes a group.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { collabError } from "../errors.ts";
import { transaction } from "../store/database.ts";

/** A user as hero_collab knows them. */
export interface DirectoryUser {
  id: string;
  username: string;
  display_name: string;
  is_bot: boolean;
  disabled: boolean;
}

/** A hero_auth group. */
export interface DirectoryGroup {
  id: string;
  name: string;
  description: string;
}

/** What a directory sync reads (hero_auth's API, or a test double of the same shape). */
export interface DirectorySource {
  users(): Promise<DirectoryUser[]>;
  groups(): Promise<(DirectoryGroup & { members: string[] })[]>;
}

/** The id of the local owner user when no hero_auth account stands for the owner. */
export const LOCAL_OWNER_ID = "owner";

/** Users, groups and memberships, read from SQLite. */
export class Directory {
  readonly #db: DatabaseSync;
  readonly #user: StatementSync;
  readonly #byName: StatementSync;
  readonly #groupsOf: StatementSync;
  readonly #members: StatementSync;
  #ownerId: string = LOCAL_OWNER_ID;
  /** Bumped on every change, so caches of permissions know when to drop. */
  generation = 0;

  /** Prepares the statements; makes sure the local owner user exists. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#user = db.prepare("SELECT * FROM users WHERE id = ?");
    this.#byName = db.prepare("SELECT * FROM users WHERE username = ? COLLATE NOCASE");
    this.#groupsOf = db.prepare("SELECT group_id FROM group_members WHERE user_id = ?");
    this.#members = db.prepare("SELECT user_id FROM group_members WHERE group_id = ?");
    const owner = this.#db.prepare("SELECT value FROM settings WHERE key = 'owner_id'").get() as
      | { value: string }
      | undefined;
    if (owner) this.#ownerId = owner.value;
    else if (!this.user(LOCAL_OWNER_ID) && !this.#byName.get("owner")) {
      this.upsertUser({
        id: LOCAL_OWNER_ID,
        username: "owner",
        display_name: "Owner",
        is_bot: false,
        disabled: false,
      });
    }
  }

  /** The user standing for the owner (hero_auth's owner account once synced). */
  get ownerId(): string {
    return this.#ownerId;
  }

  /** Makes `id` the owner's user (called by the sync with hero_auth's owner account). */
  setOwner(id: string): void {
    this.#ownerId = id;
    this.#db.prepare("INSERT OR REPLACE INTO settings(key, value) VALUES ('owner_id', ?)").run(id);
  }

  /** A user, or undefined. */
  user(id: string): DirectoryUser | undefined {
    const row = this.#user.get(id) as Record<string, unknown> | undefined;
    return row ? toUser(row) : undefined;
  }

  /** A user; NOT_FOUND otherwise. */
  mustUser(id: string): DirectoryUser {
    const u = this.user(id);
    if (!u) throw collabError("NOT_FOUND", `No user with id "${id}"`, { id });
    return u;
  }

  /** A user by username (case-insensitive). */
  userByName(username: string): DirectoryUser | undefined {
    const row = this.#byName.get(username) as Record<string, unknown> | undefined;
    return row ? toUser(row) : undefined;
  }

  /** Users whose username or display name contains `query`, by username. */
  users(query = "", limit = 100): DirectoryUser[] {
    const like = `%${query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    return (this.#db.prepare(
      `SELECT * FROM users WHERE disabled = 0 AND (username LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')
       ORDER BY username COLLATE NOCASE LIMIT ?`,
    ).all(like, like, limit) as Record<string, unknown>[]).map(toUser);
  }

  /** Adds or refreshes a user (sign-in, sync, bots); true if the user is new. */
  upsertUser(u: DirectoryUser): boolean {
    const isNew = !this.#user.get(u.id);
    // A different user that had this username before (renamed in hero_auth) gives it up.
    this.#db.prepare("DELETE FROM users WHERE username = ? COLLATE NOCASE AND id <> ?")
      .run(u.username, u.id);
    this.#db.prepare(
      `INSERT INTO users(id, username, display_name, is_bot, disabled, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET username = excluded.username,
         display_name = excluded.display_name, is_bot = excluded.is_bot,
         disabled = excluded.disabled, updated_at = excluded.updated_at`,
    ).run(u.id, u.username, u.display_name, u.is_bot ? 1 : 0, u.disabled ? 1 : 0, Date.now());
    this.generation++;
    return isNew;
  }

  /** Every group by name. */
  groups(): DirectoryGroup[] {
    return this.#db.prepare("SELECT * FROM groups ORDER BY name COLLATE NOCASE")
      .all() as unknown as DirectoryGroup[];
  }

  /** A group by id or name. */
  group(idOrName: string): DirectoryGroup | undefined {
    return this.#db.prepare("SELECT * FROM groups WHERE id = ? OR name = ? COLLATE NOCASE")
      .get(idOrName, idOrName) as DirectoryGroup | undefined;
  }

  /** Ids of the groups a user belongs to. */
  groupsOf(userId: string): string[] {
    return (this.#groupsOf.all(userId) as { group_id: string }[]).map((r) => r.group_id);
  }

  /** Ids of a group's members. */
  members(groupId: string): string[] {
    return (this.#members.all(groupId) as { user_id: string }[]).map((r) => r.user_id);
  }

  /** Replaces groups and memberships, and refreshes users, from a source (hero_auth). */
  async sync(
    source: DirectorySource,
  ): Promise<{ users: number; groups: number; added: string[] }> {
    const [users, groups] = await Promise.all([source.users(), source.groups()]);
    const added: string[] = [];
    transaction(this.#db, () => {
      for (const u of users) if (this.upsertUser(u)) added.push(u.id);
      this.#db.exec("DELETE FROM group_members; DELETE FROM groups;");
      const insertGroup = this.#db.prepare(
        "INSERT INTO groups(id, name, description) VALUES (?, ?, ?)",
      );
      const insertMember = this.#db.prepare(
        "INSERT OR IGNORE INTO group_members(group_id, user_id) VALUES (?, ?)",
      );
      for (const g of groups) {
        insertGroup.run(g.id, g.name, g.description);
        for (const m of g.members) insertMember.run(g.id, m);
      }
    });
    this.generation++;
    return { users: users.length, groups: groups.length, added };
  }
}

function toUser(row: Record<string, unknown>): DirectoryUser {
  return {
    id: String(row.id),
    username: String(row.username),
    display_name: String(row.display_name),
    is_bot: row.is_bot === 1,
    disabled: row.disabled === 1,
  };
}
