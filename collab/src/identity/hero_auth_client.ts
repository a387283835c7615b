/**
 * hero_auth's users/groups API as hero_collab uses it, over hero_auth's `rpc.sock` with the SDK's
 * RpcClient: the directory sync reads through it, and hero_collab's admin manages groups and
 * memberships through it (hero_auth stays the one place where groups live).
 */
import { RpcClient, RpcError } from "@hero/sdk";
import { collabError } from "../errors.ts";
import type { DirectoryGroup, DirectorySource, DirectoryUser } from "./directory.ts";

interface AuthUser {
  id: string;
  username: string;
  display_name: string;
  disabled: boolean;
  is_owner: boolean;
}

/** What hero_collab changes in hero_auth: groups and their members (never roles). */
export interface GroupManager {
  createGroup(input: { name: string; description?: string }): Promise<{ id: string }>;
  /** A group with the roles it gives (roles are platform rights hero_collab does not hand out). */
  group(id: string): Promise<{ id: string; name: string; roles: string[] }>;
  deleteGroup(id: string): Promise<void>;
  addMember(groupId: string, userId: string): Promise<void>;
  removeMember(groupId: string, userId: string): Promise<boolean>;
}

/** A client of hero_auth's RPC API. */
export class HeroAuthClient implements DirectorySource, GroupManager {
  readonly #rpc: RpcClient;
  readonly socketPath: string;

  /** Talks to hero_auth at `socketPath` (`<root>/hero_auth/rpc.sock`). */
  constructor(socketPath: string) {
    this.socketPath = socketPath;
    this.#rpc = new RpcClient(socketPath, { timeoutMs: 10_000 });
  }

  /** Calls a method; hero_auth's errors keep their code and message, a dead socket is UNAVAILABLE. */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    try {
      return await this.#rpc.call<T>(method, params);
    } catch (err) {
      if (err instanceof RpcError) {
        const code = err.code === 4004
          ? "NOT_FOUND"
          : err.code === 4009
          ? "CONFLICT"
          : err.code === -32602
          ? "INVALID_PARAMS"
          : undefined;
        if (code) throw collabError(code, `hero_auth: ${err.message}`);
        throw err;
      }
      throw collabError(
        "UNAVAILABLE",
        `Cannot reach hero_auth at ${this.socketPath}: ${(err as Error).message}`,
      );
    }
  }

  /** Every user (paged through). */
  async users(): Promise<DirectoryUser[]> {
    const out: DirectoryUser[] = [];
    for (let offset = 0;; offset += 1000) {
      const page = await this.call<AuthUser[]>("users.list", { limit: 1000, offset });
      for (const u of page) {
        out.push({
          id: u.id,
          username: u.username,
          display_name: u.display_name,
          is_bot: false,
          disabled: u.disabled,
        });
      }
      if (page.length < 1000) return out;
    }
  }

  /** The owner account's id, if hero_auth has one. */
  async ownerId(): Promise<string | undefined> {
    const users = await this.call<AuthUser[]>("users.list", { limit: 1000 });
    return users.find((u) => u.is_owner)?.id;
  }

  /** Every group with its member ids. */
  async groups(): Promise<(DirectoryGroup & { members: string[] })[]> {
    const groups = await this.call<(DirectoryGroup & { id: string })[]>("groups.list");
    return await Promise.all(groups.map(async (g) => ({
      id: g.id,
      name: g.name,
      description: g.description ?? "",
      members: (await this.call<{ user_id?: string; id?: string }[]>("groups.members", {
        id: g.id,
      })).map((m) => String(m.user_id ?? m.id)),
    })));
  }

  /** Creates a group (without roles). */
  createGroup(input: { name: string; description?: string }): Promise<{ id: string }> {
    return this.call<{ id: string }>("groups.create", input);
  }

  /** A group with its roles. */
  group(id: string): Promise<{ id: string; name: string; roles: string[] }> {
    return this.call("groups.get", { id });
  }

  /** Deletes a group and its memberships. */
  async deleteGroup(id: string): Promise<void> {
    await this.call("groups.delete", { id });
  }

  /** Adds a user to a group (no change if already in). */
  async addMember(groupId: string, userId: string): Promise<void> {
    await this.call("groups.add_member", { group_id: groupId, user_id: userId });
  }

  /** Removes a user from a group; false if they were not in it. */
  removeMember(groupId: string, userId: string): Promise<boolean> {
    return this.call<boolean>("groups.remove_member", { group_id: groupId, user_id: userId });
  }

  /** Closes pooled connections. */
  close(): void {
    this.#rpc.close();
  }
}
