/**
 * Everything hero_collab keeps, opened from one database: the record tables, the directory
 * mirror, the event log and the audit log, plus {@link CollabStore.tx}, the one way changes are
 * written (a transaction whose events are published only once it has committed).
 */
import type { DatabaseSync } from "node:sqlite";
import { Directory } from "../identity/directory.ts";
import { AuditLog } from "../domain/audit_log.ts";
import { EventLog } from "../live/event_log.ts";
import { openCollabDatabase } from "./database.ts";
import { RecordTable } from "./record_table.ts";
import {
  type Channel,
  type Command,
  type FileRecord,
  type Message,
  type Notification,
  RECORDS,
  type Webhook,
  type Workspace,
} from "./records.ts";

/** The tables and logs of one hero_collab database. */
export class CollabStore {
  readonly db: DatabaseSync;
  readonly workspaces: RecordTable<Workspace>;
  readonly channels: RecordTable<Channel>;
  readonly messages: RecordTable<Message>;
  readonly files: RecordTable<FileRecord>;
  readonly notifications: RecordTable<Notification>;
  readonly webhooks: RecordTable<Webhook>;
  readonly commands: RecordTable<Command>;
  readonly directory: Directory;
  readonly events: EventLog;
  readonly audit: AuditLog;
  /** Bumped whenever who may read which channel can have changed. */
  accessGeneration = 0;

  /** Opens (or creates) the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    this.db = openCollabDatabase(path);
    this.workspaces = new RecordTable(this.db, RECORDS.workspace);
    this.channels = new RecordTable(this.db, RECORDS.channel);
    this.messages = new RecordTable(this.db, RECORDS.message);
    this.files = new RecordTable(this.db, RECORDS.file);
    this.notifications = new RecordTable(this.db, RECORDS.notification);
    this.webhooks = new RecordTable(this.db, RECORDS.webhook);
    this.commands = new RecordTable(this.db, RECORDS.command);
    this.directory = new Directory(this.db);
    this.events = new EventLog(this.db);
    this.audit = new AuditLog(this.db);
  }

  /** Runs `fn` in a transaction; its events are published after the commit, dropped on error. */
  tx<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec("BEGIN IMMEDIATE");
    let result: T;
    try {
      result = fn();
      this.db.exec("COMMIT");
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      this.events.discard();
      throw err;
    }
    this.events.flush();
    return result;
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}
