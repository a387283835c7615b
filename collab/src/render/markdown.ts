/**
 * Message Markdown to safe HTML, with `markdown-it`: raw HTML is never passed through (it is
 * shown as text), links are limited to http, https and mailto and open in a new tab without an
 * opener, images are not loaded from anywhere, `@mentions` and `:emoji:` shortcodes become
 * spans. The same rendering feeds the web client, events and the WebDAV export.
 */
import MarkdownIt from "markdown-it";
import { EMOJI } from "./emoji.ts";

/** How a renderer resolves `@name`: a user, a group, or a channel-wide mention. */
export type MentionKind = "user" | "group" | "channel";

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
md.disable(["image"]);
md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet("target", "_blank");
  tokens[idx].attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

const INLINE =
  /(^|[^\w@.:/])@([a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9_]|[a-zA-Z0-9])|:([a-z0-9_+-]+):/g;

md.core.ruler.push("hero_mentions", (state) => {
  const resolve = (state.env as { mention?: (name: string) => MentionKind | undefined }).mention;
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    const out = [];
    let inLink = 0;
    for (const tok of block.children) {
      if (tok.type === "link_open") inLink++;
      if (tok.type === "link_close") inLink--;
      if (tok.type !== "text" || inLink > 0) {
        out.push(tok);
        continue;
      }
      const text = tok.content;
      let last = 0;
      INLINE.lastIndex = 0;
      for (let m = INLINE.exec(text); m; m = INLINE.exec(text)) {
        let html: string | undefined;
        let start = m.index;
        if (m[3] !== undefined) {
          const char = EMOJI.get(m[3]);
          if (char) html = `<span class="emoji" title=":${m[3]}:">${char}</span>`;
        } else {
          start += m[1].length;
          const name = m[2];
          const kind = ["channel", "here", "all"].includes(name.toLowerCase())
            ? "channel"
            : resolve?.(name);
          if (kind) {
            html = `<span class="mention mention-${kind}" data-name="${escapeHtml(name)}">@${
              escapeHtml(name)
            }</span>`;
          }
        }
        if (!html) continue;
        if (start > last) out.push(textToken(state, text.slice(last, start)));
        const t = new state.Token("html_inline", "", 0);
        t.content = html;
        out.push(t);
        last = m.index + m[0].length;
      }
      if (last === 0) out.push(tok);
      else if (last < text.length) out.push(textToken(state, text.slice(last)));
    }
    block.children = out;
  }
});

// deno-lint-ignore no-explicit-any
function textToken(state: any, content: string) {
  const t = new state.Token("text", "", 0);
  t.content = content;
  return t;
}

/** Renders message Markdown to sanitised HTML; `mention` says what `@name` refers to. */
export function renderMarkdown(
  text: string,
  mention?: (name: string) => MentionKind | undefined,
): string {
  return md.render(text, { mention });
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * The `@names` a message mentions outside code: `channel` for @channel, @here and @all, else
 * the names (resolved to users and groups by the caller).
 */
export function mentionedNames(text: string): { names: string[]; channel: boolean } {
  const plain = text.replace(/```[\s\S]*?(```|$)/g, " ").replace(/`[^`\n]*`/g, " ");
  const names = new Set<string>();
  let channel = false;
  const re = /(^|[^\w@.:/])@([a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9_]|[a-zA-Z0-9])/g;
  for (let m = re.exec(plain); m; m = re.exec(plain)) {
    const name = m[2].toLowerCase();
    if (name === "channel" || name === "here" || name === "all") channel = true;
    else names.add(name);
  }
  return { names: [...names], channel };
}
