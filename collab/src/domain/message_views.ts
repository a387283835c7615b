/**
 * What clients see of a message: the record plus its rendered HTML, author, reactions (counts
 * and who), files and, for thread roots, the reply count. Views are built in batches so a page
 * of history costs a fixed number of queries.
 */
import type { CollabStore } from "../store/collab_store.ts";
import type { FileRecord, Message } from "../store/records.ts";
import { type MentionKind, renderMarkdown } from "../render/markdown.ts";

/** A reaction as shown: emoji shortcode, count and who reacted. */
export interface ReactionView {
  emoji: string;
  count: number;
  users: string[];
}

/** A message as clients see it. */
export interface MessageView extends Omit<Message, "files"> {
  seq: number;
  html: string;
  user: { id: string; username: string; display_name: string };
  reactions: ReactionView[];
  files: FileRecord[];
}

const HTML_CACHE_MAX = 20_000;

/** Builds message views. */
export class MessageViews {
  readonly #s: CollabStore;
  readonly #html = new Map<string, string>();

  /** Reads from `store`. */
  constructor(store: CollabStore) {
    this.#s = store;
  }

  /** Renders Markdown with mentions resolved against the directory. */
  render(text: string): string {
    const dir = this.#s.directory;
    return renderMarkdown(
      text,
      (name): MentionKind | undefined =>
        dir.userByName(name) ? "user" : dir.group(name) ? "group" : undefined,
    );
  }

  /** Views of messages, in the order given. */
  views(messages: (Message & { seq: number })[]): MessageView[] {
    if (!messages.length) return [];
    const ids = JSON.stringify(messages.map((m) => m.id));
    const reactions = new Map<string, ReactionView[]>();
    for (
      const r of this.#s.db.prepare(
        `SELECT message_id, emoji, group_concat(user_id) AS users, count(*) AS n, min(created_at) AS first
         FROM reactions WHERE message_id IN (SELECT value FROM json_each(?))
         GROUP BY message_id, emoji ORDER BY first`,
      ).all(ids) as { message_id: string; emoji: string; users: string; n: number }[]
    ) {
      const list = reactions.get(r.message_id) ?? [];
      list.push({ emoji: r.emoji, count: r.n, users: r.users.split(",") });
      reactions.set(r.message_id, list);
    }
    const fileIds = messages.flatMap((m) => m.files);
    const files = new Map<string, FileRecord>();
    if (fileIds.length) {
      for (
        const f of this.#s.files.where(
          "id IN (SELECT value FROM json_each(?))",
          JSON.stringify(fileIds),
        )
      ) files.set(f.id, f);
    }
    return messages.map((m) => {
      const u = this.#s.directory.user(m.user_id);
      return {
        ...m,
        html: m.deleted_at ? "" : this.#cachedHtml(m),
        user: {
          id: m.user_id,
          username: m.bot_name ?? u?.username ?? m.user_id,
          display_name: m.bot_name ?? u?.display_name ?? "",
        },
        reactions: reactions.get(m.id) ?? [],
        files: m.files.map((id) => files.get(id)).filter((f): f is FileRecord => !!f),
      };
    });
  }

  /** One view. */
  view(message: Message & { seq: number }): MessageView {
    return this.views([message])[0];
  }

  #cachedHtml(m: Message): string {
    const key = `${m.id}:${m.version}`;
    let html = this.#html.get(key);
    if (html === undefined) {
      html = this.render(m.text);
      if (this.#html.size >= HTML_CACHE_MAX) this.#html.clear();
      this.#html.set(key, html);
    }
    return html;
  }
}
