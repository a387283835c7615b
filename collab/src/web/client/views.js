// Rendering of messages, the channel list and search results. Message bodies are HTML the
// server rendered from Markdown and sanitised; everything else is escaped here.
import { esc } from "./hero_ui.js";

const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** One message as an <article>. */
export function messageHtml(m, me, opts = {}) {
  const initial = esc((m.user.display_name || m.user.username || "?").slice(0, 1).toUpperCase());
  const reactions = m.reactions.map((r) =>
    `<button type="button" class="reaction${
      r.users.includes(me) ? " mine" : ""
    }" data-action="react" data-emoji="${esc(r.emoji)}" aria-pressed="${
      r.users.includes(me)
    }" aria-label="${esc(r.emoji)} reaction, ${r.count}">${emojiChar(r.emoji)} ${r.count}</button>`
  ).join("");
  const files = m.files.map((f) =>
    f.has_preview
      ? `<a href="files/${esc(f.id)}/download/${
        encodeURIComponent(f.name)
      }" target="_blank" rel="noopener"><img src="files/${esc(f.id)}/preview" alt="${
        esc(f.name)
      }" width="${Math.min(f.width ?? 320, 320)}"></a>`
      : `<a class="attachment" href="files/${esc(f.id)}/download/${
        encodeURIComponent(f.name)
      }">📎 ${esc(f.name)} (${Math.ceil(f.size / 1024)} KiB)</a>`
  ).join("");
  const thread = !opts.inThread && m.reply_count
    ? `<button type="button" class="thread-link" data-action="thread">${m.reply_count} ${
      m.reply_count === 1 ? "reply" : "replies"
    }</button>`
    : "";
  const mine = m.user_id === me && m.kind === "user";
  return `<article class="msg${opts.highlight ? " highlight" : ""}" data-id="${
    esc(m.id)
  }" data-seq="${m.seq}" tabindex="-1" aria-label="${esc(m.user.username)} at ${
    time(m.created_at)
  }">
  <div class="avatar" aria-hidden="true">${initial}</div>
  <div><div class="head"><span class="author">${esc(m.user.display_name || m.user.username)}</span>
    <time class="time" datetime="${esc(m.created_at)}">${time(m.created_at)}</time>${
    m.edited_at ? '<span class="edited">(edited)</span>' : ""
  }${m.pinned_at ? '<span class="edited">📌 pinned</span>' : ""}${
    m.thread_id && m.also_in_channel && !opts.inThread
      ? '<span class="edited">replied to a thread</span>'
      : ""
  }</div>
    <div class="body">${m.html}</div>
    ${files ? `<div class="files">${files}</div>` : ""}
    ${reactions ? `<div class="reactions">${reactions}</div>` : ""}
    ${thread}
  </div>
  <div class="actions">
    <button type="button" class="btn small" data-action="react" data-emoji="+1" aria-label="React with thumbs up">👍</button>
    <button type="button" class="btn small" data-action="react" data-emoji="tada" aria-label="React with party popper">🎉</button>
    ${
    opts.inThread
      ? ""
      : '<button type="button" class="btn small" data-action="thread" aria-label="Reply in thread">💬</button>'
  }
    <button type="button" class="btn small" data-action="pin" aria-label="${
    m.pinned_at ? "Unpin" : "Pin"
  }">📌</button>
    ${
    mine
      ? '<button type="button" class="btn small" data-action="edit" aria-label="Edit">✎</button>'
      : ""
  }
    ${
    mine
      ? '<button type="button" class="btn small" data-action="delete" aria-label="Delete">🗑</button>'
      : ""
  }
  </div>
</article>`;
}

let emoji = new Map();
/** Loads the shortcode table once. */
export async function loadEmoji() {
  if (emoji.size) return emoji;
  emoji = new Map(await (await fetch("emoji.json")).json());
  return emoji;
}
/** The emoji for a shortcode. */
export function emojiChar(name) {
  return emoji.get(name) ?? `:${esc(name)}:`;
}

/** A channel or DM entry of the sidebar. */
export function channelLink(c, counts, active, label) {
  const n = counts?.unread ?? 0;
  const mentions = counts?.mentions ?? 0;
  const badge = mentions
    ? `<span class="badge mention" aria-label="${mentions} mentions">${mentions}</span>`
    : n
    ? `<span class="badge" aria-label="${n} unread">${n}</span>`
    : "";
  const icon = c.kind === "private" ? "🔒" : c.kind === "public" ? "#" : "@";
  return `<a href="#${esc(c.id)}" data-channel="${esc(c.id)}" class="${active ? "active" : ""}${
    n ? " unread" : ""
  }"${
    active ? ' aria-current="page"' : ""
  }><span class="icon" aria-hidden="true">${icon}</span><span class="name">${
    esc(label)
  }</span>${badge}</a>`;
}

/** Search results. */
export function searchHtml(query, hits) {
  if (!hits.length) return `<p class="empty">No messages match “${esc(query)}”.</p>`;
  return `<div class="search-results"><h2 class="day">${hits.length} results for “${
    esc(query)
  }”</h2>${
    hits.map((h) =>
      `<div class="hit" role="button" tabindex="0" data-channel="${
        esc(h.channel.id)
      }" data-message="${esc(h.message.id)}">
        <div class="head"><strong>#${esc(h.channel.name)}</strong> · ${
        esc(h.message.user.username)
      } · ${time(h.message.created_at)}</div>
        <div class="snippet">${h.snippet}</div></div>`
    ).join("")
  }</div>`;
}

/** An answer only the current user sees (slash commands). */
export function ephemeralHtml(d) {
  return `<article class="msg ephemeral${d.ok ? "" : " failed"}" role="status">
  <div class="avatar" aria-hidden="true">/</div>
  <div><div class="head"><span class="author">/${esc(d.command)}</span>
    <span class="edited">Only visible to you</span></div>
    <div class="body">${d.html}</div></div>
</article>`;
}
