/**
 * Message search over the FTS5 index (`unicode61 remove_diacritics 2`): ranked by bm25 (or
 * newest first), limited to the channels the caller may read, with filters and a highlighted
 * snippet (escaped HTML with `<mark>`), so results can be shown in context.
 */
import type { SQLInputValue } from "node:sqlite";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { Channel, Message } from "../store/records.ts";
import type { Access, Actor } from "../domain/access.ts";
import type { MessageView, MessageViews } from "../domain/message_views.ts";
import { escapeHtml } from "../render/markdown.ts";
import { channelToken, userToken } from "../store/message_index.ts";
import { RankedMatches } from "./ranked_matches.ts";
import { snippet } from "./ranking.ts";
import { parseSearch } from "./search_query.ts";

/** Up to how many readable channels are named in the MATCH (more would slow FTS5's OR). */
const SCOPED_CHANNELS = 16;

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

/** Full-text search of messages. */
export class Search {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #views: MessageViews;
  readonly #ranked: RankedMatches;

  /** Searches `store`. */
  constructor(store: CollabStore, access: Access, views: MessageViews) {
    this.#s = store;
    this.#access = access;
    this.#views = views;
    this.#ranked = new RankedMatches(store.db);
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
    const scope: string[][] = [];
    if (!channels.length) return { query: opts.query, hits: [] };
    // A few channels (an in: filter, or all a newcomer may read) go into the MATCH, so FTS5
    // skips the rest rather than the walk reading every match of a common word elsewhere.
    if (q.in.length || channels.length <= SCOPED_CHANNELS) scope.push(channels.map(channelToken));
    if (q.from.length) {
      const ids = q.from.map((name) => this.#s.directory.userByName(name)?.id ?? `?${name}`);
      where.push("m.user_id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(ids));
      scope.push(ids.map(userToken));
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
      const page = this.#ranked.page({
        parsed: { ...q, match: q.match },
        scope,
        where,
        params,
        newest: opts.sort === "newest",
        limit,
        offset,
      });
      const bySeq = new Map(
        (this.#s.db.prepare(
          "SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?))",
        ).all(JSON.stringify(page.seqs)) as Record<string, unknown>[]).map((
          r,
        ) => [Number(r.seq), r]),
      );
      rows = page.seqs.filter((seq) => bySeq.has(seq)).map((seq) => ({
        ...bySeq.get(seq)!,
        snip: snippet(String(bySeq.get(seq)!.text), page.phrases),
        score: page.scores.get(seq),
      }));
    } else {
      rows = this.#s.db.prepare(
        `SELECT m.*, NULL AS snip, NULL AS score FROM messages m WHERE ${where.join(" AND ")}
         ORDER BY m.seq DESC LIMIT ? OFFSET ?`,
      ).all(...params, limit, offset) as Record<string, unknown>[];
    }
    const messages = rows.map((r) => this.#s.messages.fromRow(r) as Message & { seq: number });
    const views = this.#views.views(messages);
    const channelsById = new Map<string, Channel>();
    return {
      query: opts.query,
      hits: rows.map((r, i) => {
        const id = String(r.channel_id);
        const c = channelsById.get(id) ?? this.#s.channels.get(id);
        channelsById.set(id, c);
        return {
          message: views[i],
          channel: { id: c.id, name: c.name, kind: c.kind },
          snippet: r.snip === null ? escapeHtml(messages[i].text.slice(0, 200)) : String(r.snip),
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
