/**
 * One hero_collab: the store and every domain part built over it, shared by the RPC API, the
 * live WebSocket, the web client and the WebDAV export.
 */
import { CollabStore } from "./store/collab_store.ts";
import { Access } from "./domain/access.ts";
import { Channels } from "./domain/channels.ts";
import { Moderation } from "./domain/moderation.ts";
import { GroupsAdmin } from "./domain/groups_admin.ts";
import { Retention } from "./domain/retention.ts";
import type { GroupManager } from "./identity/hero_auth_client.ts";
import { type CollabLimits, DEFAULT_LIMITS } from "./domain/limits.ts";
import { Files } from "./domain/files.ts";
import { MessageViews } from "./domain/message_views.ts";
import { Messages } from "./domain/messages.ts";
import { RateLimiter } from "./domain/rate_limiter.ts";
import { Reads } from "./domain/reads.ts";
import { Search } from "./search/search.ts";
import { OutgoingCalls, type OutgoingCallsOptions } from "./integrations/outgoing_calls.ts";
import { Webhooks } from "./integrations/webhooks.ts";
import { HeroServices } from "./integrations/hero_services.ts";
import { SlashCommands } from "./integrations/slash_commands.ts";
import { type Caller, OWNER_CALLER, userIdOf } from "./identity/caller.ts";
import type { Actor } from "./domain/access.ts";
import type { DirectorySource } from "./identity/directory.ts";

/** Options of a {@link CollabService}. */
export interface CollabServiceOptions {
  /** SQLite file (`:memory:` for tests). */
  dbPath: string;
  /** Where uploads are kept. */
  filesDir: string;
  limits?: Partial<CollabLimits>;
  /** hero_auth group whose members administer hero_collab. */
  adminGroup?: string;
  /** Where users and groups come from (hero_auth); without one, only the owner exists. */
  directorySource?: DirectorySource & { ownerId?(): Promise<string | undefined> };
  /** Limits of outgoing webhook calls (time, attempts, waits). */
  outgoing?: OutgoingCallsOptions;
  /** Where the other Hero services' sockets are (slash commands call them). */
  socketRoot?: string;
  /** hero_auth's group API (admins manage groups through it). */
  groupManager?: GroupManager;
}

/** The parts of a running hero_collab. */
export class CollabService {
  readonly store: CollabStore;
  readonly limits: CollabLimits;
  readonly access: Access;
  readonly moderation: Moderation;
  readonly channels: Channels;
  readonly views: MessageViews;
  readonly messages: Messages;
  readonly reads: Reads;
  readonly search: Search;
  readonly files: Files;
  readonly rateLimiter: RateLimiter;
  readonly outgoing: OutgoingCalls;
  readonly webhooks: Webhooks;
  readonly services: HeroServices;
  readonly commands: SlashCommands;
  readonly groups: GroupsAdmin;
  readonly retention: Retention;
  readonly options: CollabServiceOptions;

  /** Opens the database and builds every part; creates the first workspace on a new database. */
  constructor(opts: CollabServiceOptions) {
    this.options = opts;
    this.store = new CollabStore(opts.dbPath);
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.access = new Access(this.store, { adminGroup: opts.adminGroup });
    this.moderation = new Moderation(this.store, this.access);
    this.channels = new Channels(this.store, {
      access: this.access,
      limits: this.limits,
      moderation: this.moderation,
    });
    this.views = new MessageViews(this.store);
    this.messages = new Messages(this.store, {
      access: this.access,
      channels: this.channels,
      views: this.views,
      limits: this.limits,
      moderation: this.moderation,
    });
    this.reads = new Reads(this.store, this.access);
    this.search = new Search(this.store, this.access, this.views);
    this.files = new Files(this.store, this.access, this.limits, opts.filesDir);
    this.files.moderation = this.moderation;
    this.retention = new Retention(this.store, this.files);
    this.groups = new GroupsAdmin(this.store, {
      access: this.access,
      manager: opts.groupManager,
      resync: () => this.syncDirectory(),
    });
    this.rateLimiter = new RateLimiter(this.limits.writeBurst, this.limits.writesPerSecond);
    this.outgoing = new OutgoingCalls(opts.outgoing);
    this.webhooks = new Webhooks(this.store, {
      access: this.access,
      messages: this.messages,
      rateLimiter: this.rateLimiter,
      calls: this.outgoing,
    });
    this.messages.onPosted = (message, channel) => this.webhooks.onPosted(message, channel);
    this.services = new HeroServices(opts.socketRoot);
    this.commands = new SlashCommands(this.store, {
      access: this.access,
      messages: this.messages,
      views: this.views,
      services: this.services,
    });
    if (!this.store.workspaces.where("1 LIMIT 1").length) {
      this.channels.createWorkspace(this.access.actor(OWNER_CALLER), {
        name: "Hero",
        slug: "hero",
        description: "The first workspace",
      });
    }
  }

  /**
   * The actor of a caller. A hero_auth user hero_router vouches for but the mirror has not seen
   * yet (signed up since the last sync) is added at once, welcomed, and the mirror refreshed.
   */
  actorOf(caller: Caller): Actor {
    const id = userIdOf(caller);
    const dir = this.store.directory;
    if (id && !dir.user(id) && !dir.userByName(caller.name)) {
      dir.upsertUser({
        id,
        username: caller.name,
        display_name: "",
        is_bot: false,
        disabled: false,
      });
      this.channels.welcome(id);
      this.syncDirectory().catch(() => {});
    }
    return this.access.actor(caller);
  }

  #running?: Promise<{ users: number; groups: number } | undefined>;
  #queued?: Promise<{ users: number; groups: number } | undefined>;

  /**
   * Refreshes users and groups from hero_auth (no-op without a source). One runs at a time; one
   * asked for meanwhile runs after it (so it sees every change made before it was asked for),
   * shared by everyone who asks while it waits.
   */
  syncDirectory(): Promise<{ users: number; groups: number } | undefined> {
    if (!this.#running) {
      this.#running = this.#sync().finally(() => (this.#running = undefined));
      return this.#running;
    }
    this.#queued ??= this.#running.catch(() => {}).then(() => {
      this.#queued = undefined;
      return this.syncDirectory();
    });
    return this.#queued;
  }

  async #sync(): Promise<{ users: number; groups: number } | undefined> {
    const source = this.options.directorySource;
    if (!source) return undefined;
    const result = await this.store.directory.sync(source);
    const ownerId = await source.ownerId?.();
    if (ownerId && ownerId !== this.store.directory.ownerId) {
      this.#adoptOwner(ownerId);
    }
    // Newcomers start in every #general they may use, as in Slack.
    for (const userId of result.added) this.channels.welcome(userId);
    this.store.accessGeneration++;
    return { users: result.users, groups: result.groups };
  }

  /** hero_auth's owner account takes over what the local owner user had. */
  #adoptOwner(ownerId: string): void {
    const before = this.store.directory.ownerId;
    this.store.tx(() => {
      this.store.db.prepare("UPDATE OR IGNORE channel_members SET user_id = ? WHERE user_id = ?")
        .run(ownerId, before);
      for (
        const [table, col] of [["messages", "user_id"], ["channels", "created_by"], [
          "workspaces",
          "created_by",
        ]]
      ) {
        this.store.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE ${col} = ?`).run(
          ownerId,
          before,
        );
      }
      this.store.directory.setOwner(ownerId);
    });
  }

  /** Stops outgoing calls and closes the database. */
  close(): void {
    this.outgoing.close();
    this.services.close();
    this.store.close();
  }
}
