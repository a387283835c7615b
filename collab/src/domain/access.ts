/**
 * Who may do what in hero_collab. An actor is a caller resolved against the directory: a
 * hero_auth user (with their groups), or the owner's user for the owner and admin tokens.
 * Channel access follows hero_auth groups: a private channel given to a group is readable by
 * every member of that group, a workspace limited to groups only by theirs. hero_collab admins
 * are callers with the `hero:admin` scope or members of the admin group.
 */
import { type Caller, OWNER_CALLER, userCaller, userIdOf } from "../identity/caller.ts";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, Workspace } from "../store/records.ts";

/** A caller resolved to a hero_collab user. */
export interface Actor {
  userId: string;
  username: string;
  /** May administer hero_collab (groups, moderation everywhere, retention, audit). */
  admin: boolean;
  /** The owner on the Unix socket (trusted, not rate limited). */
  owner: boolean;
  /** Administers the whole Hero platform (`hero:admin`), not only hero_collab. */
  heroAdmin: boolean;
  /** The platform subject, for the audit log. */
  subject: string;
  /** hero_auth group ids. */
  groupIds: string[];
}

/** Options of {@link Access}. */
export interface AccessOptions {
  /** hero_auth group whose members administer hero_collab (default `collab-admins`). */
  adminGroup?: string;
}

/** Permission checks over one store. */
export class Access {
  readonly #s: CollabStore;
  readonly #adminGroup: string;
  readonly #readable = new Map<string, { gen: string; ids: Set<string> }>();

  /** Checks against `store`'s channels, members and directory. */
  constructor(store: CollabStore, opts: AccessOptions = {}) {
    this.#s = store;
    this.#adminGroup = opts.adminGroup ?? "collab-admins";
  }

  /** Resolves a caller to an actor; FORBIDDEN for callers that are no user and no admin. */
  actor(caller: Caller): Actor {
    const dir = this.#s.directory;
    const scopes = caller.scopes;
    const admin = scopes.includes("hero:admin");
    const userId = userIdOf(caller);
    if (userId) {
      const user = dir.user(userId);
      if (!user) {
        throw collabError(
          "FORBIDDEN",
          `Unknown user "${caller.name}": hero_collab has not seen this hero_auth account yet`,
        );
      }
      if (user.disabled) throw collabError("FORBIDDEN", `The user "${user.username}" is disabled`);
      const groupIds = dir.groupsOf(user.id);
      const adminGroup = dir.group(this.#adminGroup);
      return {
        userId: user.id,
        username: user.username,
        admin: admin || (!!adminGroup && groupIds.includes(adminGroup.id)) ||
          (caller.groups ?? []).includes(this.#adminGroup),
        owner: false,
        heroAdmin: admin,
        subject: caller.subject,
        groupIds,
      };
    }
    if (admin) {
      const owner = dir.mustUser(dir.ownerId);
      return {
        userId: owner.id,
        username: owner.username,
        admin: true,
        owner: caller.subject === "owner",
        heroAdmin: true,
        subject: caller.subject,
        groupIds: dir.groupsOf(owner.id),
      };
    }
    throw collabError(
      "FORBIDDEN",
      `${caller.name} is not a hero_collab user: sign in with a hero_auth account`,
    );
  }

  /**
   * The actor of a user who is not calling now but acts through something they set up (a
   * webhook's posts): the same rights as when they call, so it reaches no further than they do.
   */
  actorForUser(userId: string): Actor {
    const dir = this.#s.directory;
    if (userId === dir.ownerId) return { ...this.actor(OWNER_CALLER), owner: false };
    const user = dir.mustUser(userId);
    return this.actor(userCaller({ id: user.id, username: user.username }));
  }

  /** Admins only. */
  mustBeAdmin(actor: Actor, what: string): void {
    if (!actor.admin) throw collabError("FORBIDDEN", `Only hero_collab admins may ${what}`);
  }

  /** Whether the actor may use the workspace (it has no groups, or they share one). */
  canUseWorkspace(actor: Actor, ws: Workspace): boolean {
    return actor.admin || ws.groups.length === 0 ||
      ws.groups.some((g) => actor.groupIds.includes(g));
  }

  /** Whether the actor is a member: listed, or in one of the channel's groups. */
  isMember(actor: Actor, channel: Channel): boolean {
    if (channel.groups.some((g) => actor.groupIds.includes(g))) return true;
    return !!this.#s.db.prepare(
      "SELECT 1 FROM channel_members WHERE channel_id = ? AND user_id = ?",
    ).get(channel.id, actor.userId);
  }

  /** The actor's role in a channel (`member`, `moderator`), if listed. */
  roleIn(actor: Actor, channel: Channel): string | undefined {
    const row = this.#s.db.prepare(
      "SELECT role FROM channel_members WHERE channel_id = ? AND user_id = ?",
    ).get(channel.id, actor.userId) as { role: string } | undefined;
    return row?.role;
  }

  /** Whether the actor may read a channel. */
  canRead(actor: Actor, channel: Channel): boolean {
    return this.readableIds(actor).has(channel.id);
  }

  /** The channel, if the actor may read it; NOT_FOUND otherwise (private channels stay hidden). */
  readable(actor: Actor, channelId: string): Channel {
    const channel = this.#s.channels.find(channelId);
    if (!channel || !this.canRead(actor, channel)) {
      throw collabError("NOT_FOUND", `No channel with id "${channelId}"`, { id: channelId });
    }
    return channel;
  }

  /** Whether the actor may moderate (delete others' posts, remove members, rename, archive). */
  canModerate(actor: Actor, channel: Channel): boolean {
    return actor.admin || channel.created_by === actor.userId ||
      this.roleIn(actor, channel) === "moderator";
  }

  /** Refuses posting where the actor may not post. */
  mustPost(actor: Actor, channel: Channel): void {
    if (channel.archived) {
      throw collabError("FORBIDDEN", `Cannot post in ${label(channel)}: the channel is archived`);
    }
    if (!this.isMember(actor, channel)) {
      throw collabError("FORBIDDEN", `Cannot post in ${label(channel)}: join the channel first`);
    }
    if (channel.post_policy === "moderators" && !this.canModerate(actor, channel)) {
      throw collabError(
        "FORBIDDEN",
        `Cannot post in ${label(channel)}: only moderators post in this channel`,
      );
    }
  }

  /** Ids of every channel the actor may read (cached until access changes). */
  readableIds(actor: Actor): Set<string> {
    const gen = `${this.#s.accessGeneration}:${this.#s.directory.generation}`;
    const cached = this.#readable.get(actor.userId);
    if (cached && cached.gen === gen) return cached.ids;
    const groups = JSON.stringify(actor.groupIds);
    const rows = this.#s.db.prepare(
      `SELECT c.id, c.kind, w.groups AS wgroups FROM channels c JOIN workspaces w ON w.id = c.workspace_id
       WHERE c.kind = 'public'
          OR c.id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)
          OR EXISTS (SELECT 1 FROM json_each(c.groups) g WHERE g.value IN (SELECT value FROM json_each(?)))`,
    ).all(actor.userId, groups) as { id: string; kind: string; wgroups: string }[];
    const ids = new Set<string>();
    for (const r of rows) {
      if (r.kind === "public" && !actor.admin) {
        const wg = JSON.parse(r.wgroups) as string[];
        if (wg.length && !wg.some((g) => actor.groupIds.includes(g))) continue;
      }
      ids.add(r.id);
    }
    if (this.#readable.size > 10_000) this.#readable.clear();
    this.#readable.set(actor.userId, { gen, ids });
    return ids;
  }
}

/** `#name` for channels, "this conversation" for DMs (in messages). */
export function label(channel: Channel): string {
  return channel.kind === "dm" || channel.kind === "group_dm"
    ? "this conversation"
    : `#${channel.name}`;
}

/** The event scope of a channel. */
export function scope(channel: Channel): { workspace_id: string; channel_id: string } {
  return { workspace_id: channel.workspace_id, channel_id: channel.id };
}
