/**
 * Message search over the FTS5 index (`unicode61 remove_diacritics 2`): ranked by bm25 (or
 * newest first), limited to the channels the caller may read, with filters and a highlighted
 * snippet (escaped HTML with `<mark>`), so results can be shown in context.
 */
import type { SQLInputValue } from "node:sqlite";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Message } from "../store/records.ts";
import type { Access, Actor } from "../domain/access.ts";
import type { MessageView, MessageViews } from "../domain/message_views.ts";
import { escapeHtml } from "../render/markdown.ts";
import { parseSearch } from "./search_query.ts";

/** One search hit. */
export interface SearchHit {
  message: MessageView;
  channel: { id: string; name: string; kind: string };
  /** Escaped HTML with the matched words in `<mark>`. */
  snippet: string;
  /** bm25 score (lower is better), null for filter-only searches. */
  score: number | null;
}

/** Options of a search. */
export interface SearchOptions {
  query: string;
  workspace_id?: string;
  sort?: "relevance" | "newest";
  limit?: number;
  offset?: number;
}

/** How many of the newest matches a relevance search ranks (exact when fewer match). */
const CANDIDATES = 2000;
const OPEN = "\uE000";
const CLOSE = "\uE001";

/** Full-text search of messages. */
export class Search {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #views: MessageViews;

  /** Searches `store`. */
  constructor(store: CollabStore, access: Access, views: MessageViews) {
    this.#s = store;
    this.#access = access;
    this.#views = views;
  }

  /** Runs a search as the actor. */
  messages(actor: Actor, opts: SearchOptions): { hits: SearchHit[]; query: string } {
    const q = parseSearch(opts.query);
    if (
      !q.match && !q.in.length && !q.from.length && !q.has.size && !q.isThread && !q.after &&
      !q.before
    ) {
      throw collabError("INVALID_PARAMS", "The search is empty");
    }
    let channels = [...this.#access.readableIds(actor)];
    if (opts.workspace_id) {
      const inWs = new Set(
        this.#s.channels.where("workspace_id = ?", opts.workspace_id).map((c) => c.id),
      );
      channels = channels.filter((c) => inWs.has(c));
    }
    if (q.in.length) channels = channels.filter((id) => this.#inMatches(actor, id, q.in));
    const where = ["m.channel_id IN (SELECT value FROM json_each(?))", "m.deleted_at IS NULL"];
    const params: SQLInputValue[] = [JSON.stringify(channels)];
    if (q.from.length) {
      const ids = q.from.map((name) => this.#s.directory.userByName(name)?.id ?? `?${name}`);
      where.push("m.user_id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(ids));
    }
    if (q.has.has("file")) where.push("m.files <> '[]'");
    if (q.has.has("pin")) where.push("m.pinned_at IS NOT NULL");
    if (q.has.has("link")) where.push("(m.text LIKE '%http://%' OR m.text LIKE '%https://%')");
    if (q.isThread) where.push("(m.thread_id IS NOT NULL OR m.reply_count > 0)");
    if (q.after !== undefined) where.push("m.created_at >= ?"), params.push(q.after);
    if (q.before !== undefined) where.push("m.created_at < ?"), params.push(q.before);
    const limit = Math.min(opts.limit ?? 20, 100);
    const offset = opts.offset ?? 0;
    let rows: (Record<string, unknown>)[];
    if (q.match) {
      // FTS5 walks its matches newest first and stops once enough pass the filters; ranking
      // then looks at those candidates only, and snippets are made for the page alone — a
      // common word in a million messages costs a page, not the whole match list.
      const ranked = opts.sort === "newest" ? "seq DESC" : "score, seq DESC";
      const page = this.#s.db.prepare(
        `WITH candidates AS (
           SELECT messages_fts.rowid AS seq, bm25(messages_fts) AS score
           FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
           WHERE messages_fts MATCH ? AND ${where.join(" AND ")}
           ORDER BY messages_fts.rowid DESC LIMIT ?)
         SELECT seq, score FROM candidates ORDER BY ${ranked} LIMIT ? OFFSET ?`,
      ).all(
        q.match,
        ...params,
        opts.sort === "newest" ? limit + offset : CANDIDATES,
        limit,
        offset,
      ) as {
        seq: number;
        score: number;
      }[];
      const snippets = new Map(
        (this.#s.db.prepare(
          `SELECT rowid AS seq, snippet(messages_fts, 0, '${OPEN}', '${CLOSE}', '…', 20) AS snip
           FROM messages_fts WHERE messages_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
        ).all(q.match, JSON.stringify(page.map((r) => r.seq))) as { seq: number; snip: string }[])
          .map((r) => [Number(r.seq), r.snip]),
      );
      const bySeq = new Map(
        (this.#s.db.prepare(
          "SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?))",
        ).all(JSON.stringify(page.map((r) => r.seq))) as Record<string, unknown>[]).map((
          r,
        ) => [Number(r.seq), r]),
      );
      rows = page.map((r) => ({
        ...bySeq.get(Number(r.seq))!,
        snip: snippets.get(Number(r.seq)) ?? null,
        score: r.score,
      }));
    } else {
      rows = this.#s.db.prepare(
        `SELECT m.*, NULL AS snip, NULL AS score FROM messages m WHERE ${where.join(" AND ")}
         ORDER BY m.seq DESC LIMIT ? OFFSET ?`,
      ).all(...params, limit, offset) as Record<string, unknown>[];
    }
    const messages = rows.map((r) => this.#s.messages.fromRow(r) as Message & { seq: number });
    const views = this.#views.views(messages);
    return {
      query: opts.query,
      hits: rows.map((r, i) => {
        const c = this.#s.channels.get(String(r.channel_id));
        return {
          message: views[i],
          channel: { id: c.id, name: c.name, kind: c.kind },
          snippet: snippetHtml(r.snip === null ? messages[i].text.slice(0, 200) : String(r.snip)),
          score: r.score === null ? null : Number(r.score),
        };
      }),
    };
  }

  /** Whether a channel matches one of the `in:` filters (`#name`, `name`, `@user` for DMs). */
  #inMatches(actor: Actor, channelId: string, filters: string[]): boolean {
    const c = this.#s.channels.get(channelId);
    return filters.some((f) => {
      if (f.startsWith("@")) {
        const u = this.#s.directory.userByName(f.slice(1));
        return !!u && c.kind === "dm" && c.dm_key === [actor.userId, u.id].sort().join(",");
      }
      return c.name === f.replace(/^#/, "").toLowerCase() || c.id === f;
    });
  }
}

function snippetHtml(snip: string): string {
  return escapeHtml(snip).replaceAll(OPEN, "<mark>").replaceAll(CLOSE, "</mark>");
}
