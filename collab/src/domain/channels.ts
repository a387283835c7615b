/**
 * Workspaces and conversations: public and private channels, direct and group messages, their
 * members and moderators, topics, archiving, posting policy and the hero_auth groups a private
 * channel is given to.
 */
import { createHash } from "node:crypto";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, ChannelKind, ChannelModeration, Workspace } from "../store/records.ts";
import { type Access, type Actor, label, scope } from "./access.ts";
import type { Moderation } from "./moderation.ts";
import type { CollabLimits } from "./limits.ts";

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Fields a channel is created with. */
export interface ChannelInput {
  workspace_id: string;
  name: string;
  kind?: "public" | "private";
  topic?: string;
  purpose?: string;
  /** hero_auth group ids or names (admins only). */
  groups?: string[];
  post_policy?: "members" | "moderators";
}

/** What may change on a channel. */
export interface ChannelPatch {
  name?: string;
  topic?: string;
  purpose?: string;
  archived?: boolean;
  groups?: string[];
  post_policy?: "members" | "moderators";
  retention_days?: number | null;
  /** Moderation settings to change (the others stay). */
  moderation?: Partial<ChannelModeration>;
}

/** A member of a channel as listed. */
export interface ChannelMember {
  user_id: string;
  username: string;
  display_name: string;
  role: string;
  /** `listed` (joined or invited) or `group` (through one of the channel's groups). */
  via: "listed" | "group";
}

/** Workspaces, channels and their members. */
export class Channels {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #limits: CollabLimits;
  readonly #moderation: Moderation;

  /** Works on `store`, checking with `access` and each channel's `moderation`. */
  constructor(
    store: CollabStore,
    deps: { access: Access; limits: CollabLimits; moderation: Moderation },
  ) {
    this.#s = store;
    this.#access = deps.access;
    this.#limits = deps.limits;
    this.#moderation = deps.moderation;
  }

  /** Creates a workspace with a #general channel (admins). */
  createWorkspace(
    actor: Actor,
    input: { name: string; slug?: string; description?: string; groups?: string[] },
  ): Workspace {
    this.#access.mustBeAdmin(actor, "create workspaces");
    const slug = input.slug ?? slugify(input.name);
    if (!SLUG.test(slug)) {
      throw collabError(
        "INVALID_PARAMS",
        `Invalid workspace slug "${slug}": use 1-40 lower-case letters, digits and "-"`,
      );
    }
    if (this.#s.workspaces.where("slug = ?", slug).length) {
      throw collabError("CONFLICT", `A workspace "${slug}" already exists`);
    }
    return this.#s.tx(() => {
      const ws = this.#s.workspaces.insert({
        name: input.name.trim(),
        slug,
        description: input.description ?? "",
        groups: this.#groupIds(input.groups ?? []),
        retention_days: null,
        created_by: actor.userId,
      });
      this.#s.accessGeneration++;
      this.#s.events.append("workspace.created", { workspace_id: ws.id }, { workspace: ws });
      this.#s.audit.append(actor.subject, "workspace.created", ws.id, { name: ws.name, slug });
      this.#insertChannel(actor, {
        workspace_id: ws.id,
        name: "general",
        kind: "public",
        purpose: "Everyone, everything",
      });
      return ws;
    });
  }

  /** Changes a workspace's name, description, groups or retention (admins). */
  updateWorkspace(
    actor: Actor,
    id: string,
    patch: {
      name?: string;
      description?: string;
      groups?: string[];
      retention_days?: number | null;
    },
  ): Workspace {
    this.#access.mustBeAdmin(actor, "change workspaces");
    this.#s.workspaces.get(id);
    return this.#s.tx(() => {
      const ws = this.#s.workspaces.update(id, {
        ...patch,
        ...(patch.groups ? { groups: this.#groupIds(patch.groups) } : {}),
      });
      this.#s.accessGeneration++;
      this.#s.events.append("workspace.updated", { workspace_id: id }, { workspace: ws });
      this.#s.audit.append(actor.subject, "workspace.updated", id, { ...patch });
      return ws;
    });
  }

  /** The workspaces the actor may use. */
  workspaces(actor: Actor): Workspace[] {
    return this.#s.workspaces.where("1 ORDER BY seq").filter((w) =>
      this.#access.canUseWorkspace(actor, w)
    );
  }

  /** A workspace the actor may use. */
  workspace(actor: Actor, id: string): Workspace {
    const ws = this.#s.workspaces.find(id);
    if (!ws || !this.#access.canUseWorkspace(actor, ws)) {
      throw collabError("NOT_FOUND", `No workspace with id "${id}"`, { id });
    }
    return ws;
  }

  /** Creates a public or private channel; the creator is its first member and moderator. */
  create(actor: Actor, input: ChannelInput): Channel {
    this.workspace(actor, input.workspace_id);
    if (input.groups?.length) this.#access.mustBeAdmin(actor, "give channels to groups");
    if (input.post_policy === "moderators") {
      this.#access.mustBeAdmin(actor, "create announcement-only channels");
    }
    return this.#s.tx(() => this.#insertChannel(actor, input));
  }

  #insertChannel(actor: Actor, input: ChannelInput): Channel {
    const name = normalizeName(input.name);
    if (this.#s.channels.where("workspace_id = ? AND name = ?", input.workspace_id, name).length) {
      throw collabError("CONFLICT", `A channel #${name} already exists in this workspace`);
    }
    const channel = this.#s.channels.insert({
      workspace_id: input.workspace_id,
      name,
      kind: input.kind ?? "public",
      topic: input.topic ?? "",
      purpose: input.purpose ?? "",
      archived: false,
      groups: this.#groupIds(input.groups ?? []),
      post_policy: input.post_policy ?? "members",
      retention_days: null,
      created_by: actor.userId,
      dm_key: null,
      moderation: null,
    });
    this.#addMember(channel, actor.userId, "moderator");
    this.#s.accessGeneration++;
    this.#s.events.append("channel.created", scope(channel), { channel });
    this.#s.audit.append(actor.subject, "channel.created", channel.id, {
      name,
      kind: channel.kind,
      groups: channel.groups,
    });
    return channel;
  }

  /** Opens (or returns) the direct or group conversation of the actor and `userIds`. */
  openDm(actor: Actor, workspaceId: string, userIds: string[]): Channel {
    this.workspace(actor, workspaceId);
    const people = [...new Set([actor.userId, ...userIds])].sort();
    for (const id of people) this.#s.directory.mustUser(id);
    if (people.length > this.#limits.maxGroupDm) {
      throw collabError(
        "INVALID_PARAMS",
        `A group conversation has at most ${this.#limits.maxGroupDm} people`,
      );
    }
    const key = people.join(",");
    const existing = this.#s.channels.where("workspace_id = ? AND dm_key = ?", workspaceId, key);
    if (existing.length) return existing[0];
    const kind: ChannelKind = people.length <= 2 ? "dm" : "group_dm";
    return this.#s.tx(() => {
      const channel = this.#s.channels.insert({
        workspace_id: workspaceId,
        name: `${kind}-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`,
        kind,
        topic: "",
        purpose: "",
        archived: false,
        groups: [],
        post_policy: "members",
        retention_days: null,
        created_by: actor.userId,
        dm_key: key,
        moderation: null,
      });
      for (const id of people) this.#addMember(channel, id, "member");
      this.#s.accessGeneration++;
      this.#s.events.append("channel.created", scope(channel), { channel });
      return channel;
    });
  }

  /** Changes a channel: topic and purpose by members, the rest by moderators or admins. */
  update(actor: Actor, id: string, patch: ChannelPatch, expectVersion?: number): Channel {
    const channel = this.#access.readable(actor, id);
    const moderate = this.#access.canModerate(actor, channel);
    const member = this.#access.isMember(actor, channel);
    if ((patch.topic !== undefined || patch.purpose !== undefined) && !member && !moderate) {
      throw collabError("FORBIDDEN", `Join ${label(channel)} to change its topic`);
    }
    if ((patch.name !== undefined || patch.archived !== undefined) && !moderate) {
      throw collabError("FORBIDDEN", `Only moderators may rename or archive ${label(channel)}`);
    }
    if (patch.groups !== undefined || patch.post_policy !== undefined) {
      this.#access.mustBeAdmin(actor, "change a channel's groups or posting policy");
    }
    if (patch.retention_days !== undefined) {
      this.#access.mustBeAdmin(actor, "change retention");
    }
    if (patch.moderation !== undefined && !moderate) {
      throw collabError(
        "FORBIDDEN",
        `Only moderators may change how ${label(channel)} is moderated`,
      );
    }
    if (channel.dm_key && (patch.name !== undefined || patch.groups !== undefined)) {
      throw collabError("INVALID_PARAMS", "Direct conversations have no name or groups");
    }
    const next: Partial<Channel> = { ...patch } as Partial<Channel>;
    if (patch.name !== undefined) {
      next.name = normalizeName(patch.name);
      const clash = this.#s.channels.where(
        "workspace_id = ? AND name = ? AND id <> ?",
        channel.workspace_id,
        next.name,
        id,
      );
      if (clash.length) throw collabError("CONFLICT", `A channel #${next.name} already exists`);
    }
    if (patch.groups !== undefined) next.groups = this.#groupIds(patch.groups);
    if (patch.moderation !== undefined) {
      next.moderation = { ...(channel.moderation ?? {}), ...patch.moderation };
    }
    return this.#s.tx(() => {
      const updated = this.#s.channels.update(id, next, { expectVersion });
      if (patch.groups !== undefined) this.#s.accessGeneration++;
      this.#s.events.append("channel.updated", scope(updated), {
        channel: updated,
        by: actor.userId,
      });
      if (
        moderate &&
        (patch.name !== undefined || patch.archived !== undefined || patch.groups ||
          patch.moderation || patch.post_policy || patch.retention_days !== undefined)
      ) {
        this.#s.audit.append(actor.subject, "channel.updated", id, { ...patch });
      }
      return updated;
    });
  }

  /** Joins a public channel (or a private one the actor's group has). */
  join(actor: Actor, id: string): Channel {
    const channel = this.#access.readable(actor, id);
    if (channel.dm_key) throw collabError("INVALID_PARAMS", "Cannot join a direct conversation");
    if (channel.archived) throw collabError("FORBIDDEN", `${label(channel)} is archived`);
    if (this.#access.roleIn(actor, channel)) return channel;
    this.#s.tx(() => {
      this.#addMember(channel, actor.userId, "member");
      this.#s.accessGeneration++;
      this.#s.events.append("channel.member_joined", scope(channel), {
        channel_id: id,
        user_id: actor.userId,
      });
    });
    return channel;
  }

  /** Leaves a channel (listed membership; group membership follows hero_auth). */
  leave(actor: Actor, id: string): boolean {
    const channel = this.#access.readable(actor, id);
    if (channel.kind === "dm") throw collabError("INVALID_PARAMS", "Cannot leave a direct message");
    return this.#removeMember(actor, channel, actor.userId, "channel.member_left");
  }

  /** Adds people to a channel (members invite; only moderators of announcement channels). */
  invite(actor: Actor, id: string, userIds: string[]): ChannelMember[] {
    const channel = this.#access.readable(actor, id);
    if (channel.kind === "dm") {
      throw collabError("INVALID_PARAMS", "Open a group conversation to add people to a DM");
    }
    if (!this.#access.isMember(actor, channel) && !actor.admin) {
      throw collabError("FORBIDDEN", `Join ${label(channel)} before inviting people`);
    }
    if (!this.#moderation.mayInvite(actor, channel)) {
      throw collabError("FORBIDDEN", `Only moderators add people to ${label(channel)}`);
    }
    for (const uid of userIds) this.#s.directory.mustUser(uid);
    this.#s.tx(() => {
      for (const uid of userIds) {
        if (this.#listed(channel.id, uid)) continue;
        this.#addMember(channel, uid, "member");
        this.#s.events.append("channel.member_joined", scope(channel), {
          channel_id: id,
          user_id: uid,
          by: actor.userId,
        });
        this.#s.events.append("channel.invited", { user_id: uid }, {
          channel,
          by: actor.userId,
        });
      }
      this.#s.accessGeneration++;
    });
    return this.members(actor, id);
  }

  /** Removes someone from a channel (moderators and admins). */
  kick(actor: Actor, id: string, userId: string): boolean {
    const channel = this.#access.readable(actor, id);
    if (!this.#access.canModerate(actor, channel)) {
      throw collabError("FORBIDDEN", `Only moderators may remove people from ${label(channel)}`);
    }
    const removed = this.#removeMember(actor, channel, userId, "channel.member_removed");
    if (removed) {
      this.#s.audit.append(actor.subject, "channel.member_removed", id, { user_id: userId });
    }
    return removed;
  }

  /** Makes a member a moderator or a plain member again (moderators and admins). */
  setRole(actor: Actor, id: string, userId: string, role: "member" | "moderator"): void {
    const channel = this.#access.readable(actor, id);
    if (!this.#access.canModerate(actor, channel)) {
      throw collabError("FORBIDDEN", `Only moderators may change roles in ${label(channel)}`);
    }
    this.#s.tx(() => {
      if (!this.#listed(id, userId)) this.#addMember(channel, userId, role);
      else {
        this.#s.db.prepare(
          "UPDATE channel_members SET role = ? WHERE channel_id = ? AND user_id = ?",
        )
          .run(role, id, userId);
      }
      this.#s.events.append("channel.role_changed", scope(channel), { user_id: userId, role });
      this.#s.audit.append(actor.subject, "channel.role_changed", id, { user_id: userId, role });
    });
  }

  /** Listed members and the members of the channel's groups. */
  members(actor: Actor, id: string): ChannelMember[] {
    const channel = this.#access.readable(actor, id);
    const out = new Map<string, ChannelMember>();
    const rows = this.#s.db.prepare(
      `SELECT m.user_id, m.role, u.username, u.display_name FROM channel_members m
       LEFT JOIN users u ON u.id = m.user_id WHERE m.channel_id = ? ORDER BY u.username`,
    ).all(id) as { user_id: string; role: string; username: string; display_name: string }[];
    for (const r of rows) {
      out.set(r.user_id, {
        user_id: r.user_id,
        username: r.username ?? r.user_id,
        display_name: r.display_name ?? "",
        role: r.role,
        via: "listed",
      });
    }
    for (const g of channel.groups) {
      for (const uid of this.#s.directory.members(g)) {
        if (out.has(uid)) continue;
        const u = this.#s.directory.user(uid);
        out.set(uid, {
          user_id: uid,
          username: u?.username ?? uid,
          display_name: u?.display_name ?? "",
          role: "member",
          via: "group",
        });
      }
    }
    return [...out.values()];
  }

  /** User ids of every member (listed and through groups), without access checks. */
  memberIds(channel: Channel): string[] {
    const ids = new Set(
      (this.#s.db.prepare("SELECT user_id FROM channel_members WHERE channel_id = ?").all(
        channel.id,
      ) as { user_id: string }[]).map((r) => r.user_id),
    );
    for (const g of channel.groups) for (const u of this.#s.directory.members(g)) ids.add(u);
    return [...ids];
  }

  /** Channels of a workspace the actor may read (with `member`), by name; DMs last. */
  list(
    actor: Actor,
    workspaceId: string,
    opts: { includeArchived?: boolean } = {},
  ): (Channel & { member: boolean })[] {
    this.workspace(actor, workspaceId);
    const readable = this.#access.readableIds(actor);
    return this.#s.channels.where("workspace_id = ? ORDER BY dm_key IS NOT NULL, name", workspaceId)
      .filter((c) => readable.has(c.id) && (opts.includeArchived || !c.archived))
      .map((c) => ({ ...c, member: this.#access.isMember(actor, c) }));
  }

  /** Adds a new user to the #general of every workspace they may use. */
  welcome(userId: string): void {
    const user = this.#s.directory.user(userId);
    if (!user) return;
    const groups = this.#s.directory.groupsOf(userId);
    this.#s.tx(() => {
      for (const ws of this.#s.workspaces.where("1")) {
        if (ws.groups.length && !ws.groups.some((g) => groups.includes(g))) continue;
        for (const c of this.#s.channels.where("workspace_id = ? AND name = 'general'", ws.id)) {
          if (this.#listed(c.id, userId)) continue;
          this.#addMember(c, userId, "member");
          this.#s.events.append("channel.member_joined", scope(c), {
            channel_id: c.id,
            user_id: userId,
          });
        }
      }
      this.#s.accessGeneration++;
    });
  }

  /** Resolves group ids or names to ids; unknown groups are refused. */
  #groupIds(groups: string[]): string[] {
    return [
      ...new Set(groups.map((g) => {
        const found = this.#s.directory.group(g);
        if (!found) throw collabError("NOT_FOUND", `No hero_auth group "${g}"`, { group: g });
        return found.id;
      })),
    ];
  }

  #listed(channelId: string, userId: string): boolean {
    return !!this.#s.db.prepare(
      "SELECT 1 FROM channel_members WHERE channel_id = ? AND user_id = ?",
    ).get(channelId, userId);
  }

  #addMember(channel: Channel, userId: string, role: string): void {
    // A new member starts with everything before now marked read.
    const head = this.#s.db.prepare("SELECT max(seq) AS s FROM messages WHERE channel_id = ?")
      .get(channel.id) as { s: number | null };
    this.#s.db.prepare(
      `INSERT OR IGNORE INTO channel_members(channel_id, user_id, role, joined_at, last_read_seq)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(channel.id, userId, role, Date.now(), head.s ?? 0);
  }

  #removeMember(actor: Actor, channel: Channel, userId: string, type: string): boolean {
    return this.#s.tx(() => {
      const removed = Number(
        this.#s.db.prepare("DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?")
          .run(channel.id, userId).changes,
      ) > 0;
      if (!removed) return false;
      this.#s.accessGeneration++;
      this.#s.events.append(type, scope(channel), {
        channel_id: channel.id,
        user_id: userId,
        by: actor.userId,
      });
      this.#s.events.append("channel.removed", { user_id: userId }, { channel_id: channel.id });
      return true;
    });
  }
}

function normalizeName(name: string): string {
  const n = name.trim().replace(/^#/, "").toLowerCase().replace(/\s+/g, "-");
  if (!CHANNEL_NAME.test(n)) {
    throw collabError(
      "INVALID_PARAMS",
      `Invalid channel name "${name}": use 1-80 lower-case letters, digits, "-" and "_"`,
    );
  }
  return n;
}

function slugify(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "workspace";
}
