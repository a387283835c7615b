/**
 * Retention: messages older than their channel's `retention_days` (or, unset, its
 * workspace's) are deleted for good — with their reactions, mentions, edit history,
 * notifications, files and the live events that carried their text. A thread goes as a whole,
 * once its last reply is past the limit, so no reply is left without its start. Runs
 * periodically and on demand (admins, with a dry run); the audit log keeps what was purged.
 */
import type { CollabStore } from "../store/collab_store.ts";
import type { Files } from "./files.ts";

/** What one run did (or, dry, would do) per channel. */
export interface RetentionReport {
  dry_run: boolean;
  channels: { channel_id: string; name: string; retention_days: number; messages: number }[];
  messages: number;
  /** File blobs removed from disk. */
  files: number;
  /** Live events dropped (the events carry message text). */
  events: number;
}

const DAY = 86_400_000;
const BATCH = 500;
/** How long events are kept for reconnecting clients, whatever the retention. */
const EVENT_WINDOW = 7 * DAY;

/** Enforces retention over one store. */
export class Retention {
  readonly #s: CollabStore;
  readonly #files: Files;

  /** Works on `store`, sweeping `files`. */
  constructor(store: CollabStore, files: Files) {
    this.#s = store;
    this.#files = files;
  }

  /** Purges what is past its retention (or only counts it, with `dryRun`). */
  run(opts: { now?: number; dryRun?: boolean } = {}): RetentionReport {
    const now = opts.now ?? Date.now();
    const report: RetentionReport = {
      dry_run: !!opts.dryRun,
      channels: [],
      messages: 0,
      files: 0,
      events: 0,
    };
    const channels = this.#s.db.prepare(
      `SELECT c.id, c.name, c.workspace_id, coalesce(c.retention_days, w.retention_days) AS days
       FROM channels c JOIN workspaces w ON w.id = c.workspace_id
       WHERE coalesce(c.retention_days, w.retention_days) IS NOT NULL`,
    ).all() as { id: string; name: string; workspace_id: string; days: number }[];
    for (const c of channels) {
      const cutoff = now - c.days * DAY;
      const count = opts.dryRun ? this.#count(c.id, cutoff) : this.#purge(c, cutoff);
      if (count) {
        report.channels.push({
          channel_id: c.id,
          name: c.name,
          retention_days: c.days,
          messages: count.messages,
        });
        report.messages += count.messages;
        report.events += count.events;
      }
    }
    if (!opts.dryRun) {
      report.events += this.#s.events.trim(now - EVENT_WINDOW, 1000);
      report.files = this.#files.sweep();
      if (report.messages) {
        this.#s.audit.append("system", "retention.purged", null, {
          messages: report.messages,
          files: report.files,
          channels: report.channels.map((c) => ({ id: c.channel_id, messages: c.messages })),
        });
      }
    }
    return report;
  }

  /** Roots (threads as a whole) whose last activity is before the cutoff. */
  #expired(channelId: string, cutoff: number, limit: number): { id: string; seq: number }[] {
    return this.#s.db.prepare(
      `SELECT id, seq FROM messages WHERE channel_id = ? AND thread_id IS NULL
         AND max(created_at, coalesce(last_reply_at, 0)) < ? ORDER BY seq LIMIT ?`,
    ).all(channelId, cutoff, limit) as { id: string; seq: number }[];
  }

  #count(channelId: string, cutoff: number): { messages: number; events: number } | undefined {
    const row = this.#s.db.prepare(
      `SELECT count(*) AS n FROM messages m WHERE m.channel_id = ? AND coalesce(m.thread_id, m.id) IN (
         SELECT id FROM messages WHERE channel_id = ? AND thread_id IS NULL
           AND max(created_at, coalesce(last_reply_at, 0)) < ?)`,
    ).get(channelId, channelId, cutoff) as { n: number };
    return row.n ? { messages: row.n, events: 0 } : undefined;
  }

  #purge(
    channel: { id: string; workspace_id: string },
    cutoff: number,
  ): { messages: number; events: number } | undefined {
    const db = this.#s.db;
    let messages = 0;
    for (
      let roots = this.#expired(channel.id, cutoff, BATCH);
      roots.length;
      roots = this.#expired(channel.id, cutoff, BATCH)
    ) {
      this.#s.tx(() => {
        const ids = JSON.stringify(roots.map((r) => r.id));
        const doomed = `SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))
          OR thread_id IN (SELECT value FROM json_each(?))`;
        const seqs = `SELECT seq FROM messages WHERE id IN (${doomed})`;
        db.prepare(`DELETE FROM reactions WHERE message_id IN (${doomed})`).run(ids, ids);
        db.prepare(`DELETE FROM message_edits WHERE message_id IN (${doomed})`).run(ids, ids);
        db.prepare(`DELETE FROM notifications WHERE message_id IN (${doomed})`).run(ids, ids);
        db.prepare(`DELETE FROM mentions WHERE message_seq IN (${seqs})`).run(ids, ids);
        db.prepare(
          `UPDATE files SET message_id = NULL, channel_id = '' WHERE message_id IN (${doomed})`,
        )
          .run(ids, ids);
        messages += Number(
          db.prepare(`DELETE FROM messages WHERE id IN (${doomed})`).run(ids, ids).changes,
        );
      });
    }
    if (!messages) return undefined;
    let events = 0;
    this.#s.tx(() => {
      events += Number(
        db.prepare("DELETE FROM events WHERE channel_id = ? AND ts < ?").run(channel.id, cutoff)
          .changes,
      );
      events += Number(
        db.prepare(
          `DELETE FROM events WHERE type = 'notification' AND ts < ?
             AND json_extract(data, '$.notification.channel_id') = ?`,
        ).run(cutoff, channel.id).changes,
      );
      this.#s.events.append(
        "retention.purged",
        { workspace_id: channel.workspace_id, channel_id: channel.id },
        { channel_id: channel.id, before: new Date(cutoff).toISOString(), messages },
      );
    });
    return { messages, events };
  }
}
