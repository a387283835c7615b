/**
 * hero_collab's admins manage teams as hero_auth groups: they create and delete groups and
 * change who is in them through hero_auth's API (hero_auth stays the one place groups live),
 * then the mirror is refreshed at once so channel access follows. Groups that give roles in
 * hero_auth beyond hero_collab's own (`hero_collab:read|write`) are left to Hero admins: a
 * hero_collab admin cannot hand out more than hero_collab.
 */
import { collabError } from "../errors.ts";
import type { GroupManager } from "../identity/hero_auth_client.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Access, Actor } from "./access.ts";

/** A group as listed: the mirror of hero_auth's, with member ids. */
export interface GroupView {
  id: string;
  name: string;
  description: string;
  members: string[];
}

/** Group administration through hero_auth. */
export class GroupsAdmin {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #manager?: GroupManager;
  readonly #resync: () => Promise<unknown>;
  readonly #ownRoles: Set<string>;

  /**
   * Changes go through `manager` (hero_auth); `resync` refreshes the mirror afterwards;
   * `service` is hero_collab's name (its roles are `<service>:read|write`).
   */
  constructor(
    store: CollabStore,
    deps: {
      access: Access;
      manager?: GroupManager;
      resync: () => Promise<unknown>;
      service?: string;
    },
  ) {
    this.#s = store;
    this.#access = deps.access;
    this.#manager = deps.manager;
    this.#resync = deps.resync;
    const service = deps.service ?? "hero_collab";
    this.#ownRoles = new Set([`${service}:read`, `${service}:write`]);
  }

  /** Every group with its members (everyone may see teams, as for @group mentions). */
  list(): GroupView[] {
    const dir = this.#s.directory;
    return dir.groups().map((g) => ({ ...g, members: dir.members(g.id) }));
  }

  /** Creates a group in hero_auth with its first members (admins). */
  async create(
    actor: Actor,
    input: { name: string; description?: string; members?: string[] },
  ): Promise<GroupView> {
    const manager = this.#manage(actor, "create groups");
    for (const id of input.members ?? []) this.#s.directory.mustUser(id);
    const made = await manager.createGroup({
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
    });
    for (const id of new Set(input.members ?? [])) await manager.addMember(made.id, id);
    this.#s.audit.append(actor.subject, "group.created", made.id, {
      name: input.name,
      members: input.members ?? [],
    });
    return await this.#fresh(made.id);
  }

  /** Adds people to a group (admins). */
  async addMembers(actor: Actor, groupId: string, userIds: string[]): Promise<GroupView> {
    const manager = await this.#changeable(actor, groupId);
    for (const id of userIds) this.#s.directory.mustUser(id);
    for (const id of new Set(userIds)) await manager.addMember(groupId, id);
    this.#s.audit.append(actor.subject, "group.members_added", groupId, { user_ids: userIds });
    return await this.#fresh(groupId);
  }

  /** Takes people out of a group (admins). */
  async removeMembers(actor: Actor, groupId: string, userIds: string[]): Promise<GroupView> {
    const manager = await this.#changeable(actor, groupId);
    for (const id of new Set(userIds)) await manager.removeMember(groupId, id);
    this.#s.audit.append(actor.subject, "group.members_removed", groupId, { user_ids: userIds });
    return await this.#fresh(groupId);
  }

  /** Deletes a group; channels and workspaces given to it lose it (admins). */
  async delete(actor: Actor, groupId: string): Promise<boolean> {
    const manager = await this.#changeable(actor, groupId);
    await manager.deleteGroup(groupId);
    this.#s.tx(() => {
      for (const table of ["channels", "workspaces"]) {
        this.#s.db.prepare(
          `UPDATE ${table} SET groups = (SELECT json_group_array(value) FROM json_each(groups) WHERE value <> ?)
           WHERE EXISTS (SELECT 1 FROM json_each(groups) WHERE value = ?)`,
        ).run(groupId, groupId);
      }
      this.#s.audit.append(actor.subject, "group.deleted", groupId, {});
    });
    await this.#resync();
    return true;
  }

  #manage(actor: Actor, what: string): GroupManager {
    this.#access.mustBeAdmin(actor, what);
    if (!this.#manager) {
      throw collabError("UNAVAILABLE", "hero_collab has no hero_auth to manage groups with");
    }
    return this.#manager;
  }

  /**
   * The manager, once the group is known and gives no roles beyond hero_collab's own (or the
   * actor is a Hero admin).
   */
  async #changeable(actor: Actor, groupId: string): Promise<GroupManager> {
    const manager = this.#manage(actor, "change groups");
    const group = await manager.group(groupId);
    const foreign = group.roles.filter((r) => !this.#ownRoles.has(r));
    if (foreign.length && !actor.heroAdmin) {
      throw collabError(
        "FORBIDDEN",
        `The group "${group.name}" gives roles in hero_auth (${
          foreign.join(", ")
        }): only a Hero admin changes it`,
      );
    }
    return manager;
  }

  async #fresh(groupId: string): Promise<GroupView> {
    await this.#resync();
    const g = this.#s.directory.group(groupId);
    if (!g) throw collabError("NOT_FOUND", `No hero_auth group "${groupId}"`);
    return { ...g, members: this.#s.directory.members(g.id) };
  }
}
